using InclusionServices.EventBus;
using InclusionServices.Reporting.ExclusionPrevention;
using InclusionServices.Reporting.Schools;
using InclusionServices.ServiceDefaults;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;

namespace InclusionServices.Reporting.Storage;

/// <summary>The Reporting service's own PostgreSQL database: figures built from the other services' events.</summary>
public sealed class ReportingDatabase(DbContextOptions<ReportingDatabase> options) : ServiceDatabase(options)
{
    public const string ConnectionName = "reportingdb";

    public DbSet<MeetingOutcome> MeetingOutcomes => Set<MeetingOutcome>();
    public DbSet<ReportingSchool> Schools => Set<ReportingSchool>();

    protected override string Producer => "reporting";

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        base.OnModelCreating(modelBuilder);
        modelBuilder.Entity<MeetingOutcome>(outcome =>
        {
            outcome.HasKey(o => o.MeetingId);
            outcome.Property(o => o.Phase).HasConversion<string>().HasMaxLength(32);
            outcome.HasIndex(o => o.SchoolYearStart);
        });
        modelBuilder.Entity<ReportingSchool>(school =>
        {
            school.HasKey(s => s.Urn);
            school.Property(s => s.Urn).HasMaxLength(6);
            school.Property(s => s.Phase).HasConversion<string>().HasMaxLength(32);
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
