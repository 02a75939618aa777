using InclusionServices.CalendarOverrides;
using InclusionServices.EventBus;
using InclusionServices.Placements.Providers;
using InclusionServices.ServiceDefaults;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;

namespace InclusionServices.Placements.Storage;

/// <summary>The Placements service's own PostgreSQL database.</summary>
public sealed class PlacementsDatabase(DbContextOptions<PlacementsDatabase> options) : ServiceDatabase(options), ICalendarOverrideStore
{
    public const string ConnectionName = "placementsdb";

    public DbSet<Provider> Providers => Set<Provider>();

    public DbSet<CalendarOverrideRow> CalendarOverrides => Set<CalendarOverrideRow>();

    protected override string Producer => "placements";

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        base.OnModelCreating(modelBuilder);
        modelBuilder.AddCalendarOverrides();
        modelBuilder.Entity<Provider>(provider =>
        {
            provider.HasKey(p => p.Id);
            provider.Property(p => p.Name).HasMaxLength(Provider.MaxNameLength);
            provider.Property(p => p.Registration).HasConversion<string>().HasMaxLength(32);
        });
    }
}

/// <summary>Lets dotnet-ef build the model to write migrations; never used at run time.</summary>
public sealed class PlacementsDatabaseDesignFactory : IDesignTimeDbContextFactory<PlacementsDatabase>
{
    public PlacementsDatabase CreateDbContext(string[] args)
    {
        var options = new DbContextOptionsBuilder<PlacementsDatabase>();
        options.UseServiceDatabase("Host=localhost;Database=placements");
        return new PlacementsDatabase(options.Options);
    }
}
