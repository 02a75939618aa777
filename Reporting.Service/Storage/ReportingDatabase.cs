using InclusionServices.Reporting.ExclusionPrevention;
using InclusionServices.ServiceDefaults;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;

namespace InclusionServices.Reporting.Storage;

/// <summary>The Reporting service's own PostgreSQL database: figures built from the other services' events.</summary>
public sealed class ReportingDatabase(DbContextOptions<ReportingDatabase> options) : DbContext(options)
{
    public const string ConnectionName = "reportingdb";

    public DbSet<MeetingOutcome> MeetingOutcomes => Set<MeetingOutcome>();

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        modelBuilder.Entity<MeetingOutcome>(outcome =>
        {
            outcome.HasKey(o => o.MeetingId);
            outcome.Property(o => o.Phase).HasConversion<string>().HasMaxLength(32);
            outcome.HasIndex(o => o.SchoolYearStart);
        });
    }
}

/// <summary>Lets dotnet-ef build the model to write migrations; never used at run time.</summary>
public sealed class ReportingDatabaseDesignFactory : IDesignTimeDbContextFactory<ReportingDatabase>
{
    public ReportingDatabase CreateDbContext(string[] args)
    {
        var options = new DbContextOptionsBuilder<ReportingDatabase>();
        options.UseServiceDatabase("Host=localhost;Database=reporting");
        return new ReportingDatabase(options.Options);
    }
}
