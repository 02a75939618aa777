using InclusionServices.CalendarOverrides;
using InclusionServices.EventBus;
using InclusionServices.Placements.Placements;
using InclusionServices.Placements.Providers;
using InclusionServices.Placements.SixthDay;
using InclusionServices.Placements.Timetables;
using InclusionServices.ServiceDefaults;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace InclusionServices.Placements.Storage;

/// <summary>The Placements service's own PostgreSQL database.</summary>
public sealed class PlacementsDatabase(DbContextOptions<PlacementsDatabase> options) : ServiceDatabase(options), ICalendarOverrideStore
{
    public const string ConnectionName = "placementsdb";

    public DbSet<Provider> Providers => Set<Provider>();
    public DbSet<Placement> Placements => Set<Placement>();
    public DbSet<SixthDayRequirement> SixthDayRequirements => Set<SixthDayRequirement>();
    /// <summary>Exclusions the head teacher withdrew: a late "recorded" event for one of them owes nothing.</summary>
    public DbSet<WithdrawnExclusion> WithdrawnExclusions => Set<WithdrawnExclusion>();
    public DbSet<PartTimeTimetable> PartTimeTimetables => Set<PartTimeTimetable>();

    public DbSet<CalendarOverrideRow> CalendarOverrides => Set<CalendarOverrideRow>();

    protected override string Producer => "placements";

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        base.OnModelCreating(modelBuilder);
        modelBuilder.AddCalendarOverrides();
        modelBuilder.Entity<WithdrawnExclusion>().HasKey(w => w.ExclusionId);
        modelBuilder.ApplyConfigurationsFromAssembly(typeof(PlacementsDatabase).Assembly);
    }
}

internal sealed class ProviderConfiguration : IEntityTypeConfiguration<Provider>
{
    public void Configure(EntityTypeBuilder<Provider> provider)
    {
        provider.HasKey(p => p.Id);
        provider.Property(p => p.Name).HasMaxLength(Provider.MaxNameLength);
        provider.Property(p => p.Registration).HasConversion<string>().HasMaxLength(32);
        provider.Property(p => p.Urn).HasMaxLength(6);
        provider.Property(p => p.Phases).AsJson();
        provider.Property(p => p.ContactName).HasMaxLength(100);
        provider.Property(p => p.ContactTelephone).HasMaxLength(20);
        provider.Property(p => p.ContactEmail).HasMaxLength(254);
        provider.Property(p => p.Version).IsRowVersion();
        provider.HasIndex(p => new { p.Name, p.Id });
    }
}

internal sealed class PlacementConfiguration : IEntityTypeConfiguration<Placement>
{
    public void Configure(EntityTypeBuilder<Placement> placement)
    {
        placement.HasKey(p => p.Id);
        placement.Property(p => p.Kind).HasConversion<string>().HasMaxLength(40);
        placement.Property(p => p.Status).HasConversion<string>().HasMaxLength(16);
        placement.Property(p => p.Outcome).HasConversion<string>().HasMaxLength(40);
        placement.Property(p => p.SchoolUrn).HasMaxLength(6);
        placement.Property(p => p.HoursPerWeek).HasPrecision(5, 2);
        placement.Property(p => p.WithdrawnReason).HasMaxLength(1000);
        placement.Property(p => p.Source).HasMaxLength(100);
        placement.Property(p => p.Pupil).AsJson();
        placement.Property(p => p.Reviews).AsJson();
        placement.Property(p => p.Warnings).AsJson();
        placement.Property(p => p.Version).IsRowVersion();
        placement.HasOne<Provider>().WithMany().HasForeignKey(p => p.ProviderId);
        // Occupancy: a provider's agreed and started placements; a pupil's placements for overlaps and sixth days.
        placement.HasIndex(p => new { p.ProviderId, p.Status });
        placement.HasIndex(p => new { p.PupilId, p.Status });
        placement.HasIndex(p => new { p.SchoolUrn, p.StartDate });
    }
}

internal sealed class SixthDayRequirementConfiguration : IEntityTypeConfiguration<SixthDayRequirement>
{
    public void Configure(EntityTypeBuilder<SixthDayRequirement> requirement)
    {
        requirement.ToTable("sixth_day_requirements");
        requirement.HasKey(r => r.ExclusionId);
        requirement.Property(r => r.SchoolUrn).HasMaxLength(6);
        requirement.Property(r => r.Holder).HasConversion<string>().HasMaxLength(16);
        requirement.Property(r => r.Pupil).AsJson();
        // Open requirements, soonest first: what the list and the watcher read.
        requirement.HasIndex(r => new { r.Due, r.ExclusionId }).HasFilter("met_by_placement_id IS NULL").HasDatabaseName("ix_sixth_day_requirements_open");
        requirement.HasIndex(r => r.PupilId);
    }
}

internal sealed class PartTimeTimetableConfiguration : IEntityTypeConfiguration<PartTimeTimetable>
{
    public void Configure(EntityTypeBuilder<PartTimeTimetable> timetable)
    {
        timetable.ToTable("part_time_timetables");
        timetable.HasKey(t => t.Id);
        timetable.Property(t => t.SchoolUrn).HasMaxLength(6);
        timetable.Property(t => t.Status).HasConversion<string>().HasMaxLength(16);
        timetable.Property(t => t.HoursPerWeek).HasPrecision(5, 2);
        timetable.Property(t => t.FullTimeHoursPerWeek).HasPrecision(5, 2);
        timetable.Property(t => t.Reason).HasMaxLength(2000);
        timetable.Property(t => t.Pupil).AsJson();
        timetable.Property(t => t.Reviews).AsJson();
        timetable.HasIndex(t => new { t.Status, t.NextReviewDue });
        timetable.HasIndex(t => new { t.SchoolUrn, t.Status });
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

public sealed class WithdrawnExclusion
{
    public Guid ExclusionId { get; set; }
    public DateTimeOffset WithdrawnAt { get; set; }
}
