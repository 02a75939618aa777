using InclusionServices.CalendarOverrides;
using InclusionServices.EventBus;
using InclusionServices.Meetings.PanelSittings;
using InclusionServices.ServiceDefaults;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;

namespace InclusionServices.Meetings.Storage;

/// <summary>The Meetings service's own PostgreSQL database.</summary>
public sealed class MeetingsDatabase(DbContextOptions<MeetingsDatabase> options) : ServiceDatabase(options), ICalendarOverrideStore
{
    public const string ConnectionName = "meetingsdb";

    public DbSet<PanelSitting> PanelSittings => Set<PanelSitting>();

    public DbSet<CalendarOverrideRow> CalendarOverrides => Set<CalendarOverrideRow>();

    protected override string Producer => "meetings";

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        base.OnModelCreating(modelBuilder);
        modelBuilder.AddCalendarOverrides();
        modelBuilder.Entity<PanelSitting>(sitting =>
        {
            sitting.HasKey(s => s.Id);
            sitting.Property(s => s.Phase).HasConversion<string>().HasMaxLength(16);
            // The panel sits once a day per phase.
            sitting.HasIndex(s => new { s.Phase, s.MeetingDate }).IsUnique();
        });
    }
}

/// <summary>Lets dotnet-ef build the model to write migrations; never used at run time.</summary>
public sealed class MeetingsDatabaseDesignFactory : IDesignTimeDbContextFactory<MeetingsDatabase>
{
    public MeetingsDatabase CreateDbContext(string[] args)
    {
        var options = new DbContextOptionsBuilder<MeetingsDatabase>();
        options.UseServiceDatabase("Host=localhost;Database=meetings");
        return new MeetingsDatabase(options.Options);
    }
}
