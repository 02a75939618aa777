using InclusionServices.EventBus;
using InclusionServices.Reporting.ReadModel;
using InclusionServices.Reporting.Rebuilds;
using InclusionServices.Reporting.Rolls;
using InclusionServices.ServiceDefaults;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace InclusionServices.Reporting.Storage;

/// <summary>The Reporting service's own PostgreSQL database: read models built from the other services' events.</summary>
public sealed class ReportingDatabase(DbContextOptions<ReportingDatabase> options) : ServiceDatabase(options)
{
    public const string ConnectionName = "reportingdb";

    /// <summary>
    /// The tables a rebuild empties: everything built from events. School rolls (recorded by managers), rebuilds,
    /// the audit trail and request ids are not built from events and stay.
    /// </summary>
    public static readonly IReadOnlyList<string> ReadModelTables =
    [
        "applied_events", "producer_positions", "schools", "prevention_meetings", "prevention_counts", "exclusion_facts",
        "exclusion_counts", "sixth_day_duties", "referral_facts", "panel_case_facts", "provider_places", "placement_facts",
        "part_time_timetable_facts", "overdue_timetable_reviews", "internal_exclusion_counts",
    ];

    /// <summary>Empties every read-model table at once (made from the list above, never from input).</summary>
    public static readonly string EmptyReadModelsSql = "TRUNCATE " + string.Join(", ", ReadModelTables);

    public DbSet<AppliedEvent> AppliedEvents => Set<AppliedEvent>();
    public DbSet<ProducerPosition> ProducerPositions => Set<ProducerPosition>();
    public DbSet<ReportingSchool> Schools => Set<ReportingSchool>();
    public DbSet<PreventionMeeting> PreventionMeetings => Set<PreventionMeeting>();
    public DbSet<PreventionCount> PreventionCounts => Set<PreventionCount>();
    public DbSet<ExclusionFact> ExclusionFacts => Set<ExclusionFact>();
    public DbSet<ExclusionCount> ExclusionCounts => Set<ExclusionCount>();
    public DbSet<InternalExclusionCount> InternalExclusionCounts => Set<InternalExclusionCount>();
    public DbSet<SixthDayDuty> SixthDayDuties => Set<SixthDayDuty>();
    public DbSet<ReferralFact> ReferralFacts => Set<ReferralFact>();
    public DbSet<PanelCaseFact> PanelCaseFacts => Set<PanelCaseFact>();
    public DbSet<ProviderPlaces> ProviderPlaces => Set<ProviderPlaces>();
    public DbSet<PlacementFact> PlacementFacts => Set<PlacementFact>();
    public DbSet<PartTimeTimetableFact> PartTimeTimetableFacts => Set<PartTimeTimetableFact>();
    public DbSet<OverdueTimetableReview> OverdueTimetableReviews => Set<OverdueTimetableReview>();
    public DbSet<SchoolRoll> SchoolRolls => Set<SchoolRoll>();
    public DbSet<RollGroup> RollGroups => Set<RollGroup>();
    public DbSet<Rebuild> Rebuilds => Set<Rebuild>();

    protected override string Producer => "reporting";

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        base.OnModelCreating(modelBuilder);
        modelBuilder.Entity<AppliedEvent>(applied =>
        {
            applied.HasKey(a => new { a.Producer, a.Sequence });
            applied.Property(a => a.Producer).HasMaxLength(32);
            applied.Property(a => a.EventType).HasMaxLength(200);
            applied.Property(a => a.AppliedAt).HasDefaultValueSql("clock_timestamp()");
        });
        modelBuilder.Entity<ProducerPosition>(position =>
        {
            position.HasKey(p => p.Producer);
            position.Property(p => p.Producer).HasMaxLength(32);
        });
        modelBuilder.Entity<ReportingSchool>(school =>
        {
            school.HasKey(s => s.Urn);
            school.Property(s => s.Urn).HasMaxLength(6);
            school.Property(s => s.Phase).HasConversion<string>().HasMaxLength(32);
        });
        modelBuilder.Entity<PreventionMeeting>(meeting =>
        {
            meeting.HasKey(m => m.MeetingId);
            Place(meeting, m => m.Term, m => m.PhaseGroup, m => m.SchoolUrn);
        });
        modelBuilder.Entity<PreventionCount>(count =>
        {
            count.HasKey(c => new { c.SchoolYearStart, c.SchoolUrn, c.PhaseGroup, c.Term });
            Place(count, c => c.Term, c => c.PhaseGroup, c => c.SchoolUrn);
        });
        modelBuilder.Entity<ExclusionFact>(fact =>
        {
            fact.HasKey(f => f.ExclusionId);
            Place(fact, f => f.Term, f => f.PhaseGroup, f => f.SchoolUrn);
            fact.Property(f => f.Kind).HasConversion<string>().HasMaxLength(32);
            Defaults(fact, f => f.Recorded, f => f.BoardDecided, f => f.BoardMissed, f => f.IrpRequested, f => f.IrpDecided, f => f.IrpMissed);
            fact.Property(f => f.Sessions).HasDefaultValueSql("0").ValueGeneratedNever();
            fact.Property(f => f.BoardHolder).HasMaxLength(32);
            fact.Property(f => f.IrpHolder).HasMaxLength(32);
            // The 45-day cap: each pupil's suspensions of a year, summed.
            fact.HasIndex(f => new { f.SchoolYearStart, f.PupilId }).HasFilter("recorded");
        });
        modelBuilder.Entity<InternalExclusionCount>(count =>
        {
            count.HasKey(c => new { c.SchoolYearStart, c.SchoolUrn, c.PhaseGroup, c.Term, c.Kind });
            Place(count, c => c.Term, c => c.PhaseGroup, c => c.SchoolUrn);
            count.Property(c => c.Kind).HasMaxLength(32);
        });
        modelBuilder.Entity<ExclusionCount>(count =>
        {
            count.HasKey(c => new { c.SchoolYearStart, c.SchoolUrn, c.PhaseGroup, c.Term, c.Kind, c.Dimension, c.GroupValue });
            Place(count, c => c.Term, c => c.PhaseGroup, c => c.SchoolUrn);
            count.Property(c => c.Kind).HasConversion<string>().HasMaxLength(32);
            count.Property(c => c.Dimension).HasMaxLength(32);
            count.Property(c => c.GroupValue).HasMaxLength(64);
            // A report reads one scope's rows (all schools', or a school's) from the index alone: the rows of one scope lie
            // scattered over the table, one heap page each, as the counts of every school grew side by side.
            count.HasIndex(c => new { c.SchoolYearStart, c.SchoolUrn })
                .IncludeProperties(c => new { c.Dimension, c.GroupValue, c.Kind, c.PhaseGroup, c.Term, c.Exclusions });
            // The breakdown by school reads only each school's totals.
            count.HasIndex(c => new { c.SchoolYearStart, c.Dimension, c.SchoolUrn }).IncludeProperties(c => new { c.PhaseGroup, c.Term, c.Kind, c.Exclusions });
        });
        modelBuilder.Entity<SixthDayDuty>(duty =>
        {
            duty.HasKey(d => d.ExclusionId);
            duty.Property(d => d.Holder).HasMaxLength(32);
            duty.Property(d => d.SchoolUrn).HasMaxLength(6);
            duty.Property(d => d.PhaseGroup).HasConversion<string>().HasMaxLength(32);
            duty.Property(d => d.Term).HasConversion<string>().HasMaxLength(16);
            Defaults(duty, d => d.Owed, d => d.Arranged, d => d.Missed);
            duty.HasIndex(d => d.SchoolYearStart);
        });
        modelBuilder.Entity<ReferralFact>(referral =>
        {
            referral.HasKey(r => r.ReferralId);
            referral.Property(r => r.SchoolUrn).HasMaxLength(6);
            referral.Property(r => r.PhaseGroup).HasConversion<string>().HasMaxLength(32);
            referral.Property(r => r.Officer).HasMaxLength(200);
            referral.Property(r => r.OfficerSequence).HasDefaultValueSql("0").ValueGeneratedNever();
            Defaults(referral, r => r.Closed);
        });
        modelBuilder.Entity<PanelCaseFact>(panelCase =>
        {
            panelCase.HasKey(c => c.PanelCaseId);
            panelCase.Property(c => c.SchoolUrn).HasMaxLength(6);
            panelCase.Property(c => c.PhaseGroup).HasConversion<string>().HasMaxLength(32);
            panelCase.Property(c => c.Decision).HasMaxLength(64);
        });
        modelBuilder.Entity<ProviderPlaces>(provider =>
        {
            provider.HasKey(p => p.ProviderId);
            provider.Property(p => p.DisplayName).HasMaxLength(200);
        });
        modelBuilder.Entity<PlacementFact>(placement =>
        {
            placement.HasKey(p => p.PlacementId);
            placement.Property(p => p.Kind).HasMaxLength(64);
            placement.Property(p => p.Outcome).HasMaxLength(64);
            placement.Property(p => p.SchoolUrn).HasMaxLength(6);
            placement.Property(p => p.PhaseGroup).HasConversion<string>().HasMaxLength(32);
        });
        modelBuilder.Entity<PartTimeTimetableFact>(timetable =>
        {
            timetable.HasKey(t => t.TimetableId);
            timetable.Property(t => t.SchoolUrn).HasMaxLength(6);
            timetable.Property(t => t.PhaseGroup).HasConversion<string>().HasMaxLength(32);
            Defaults(timetable, t => t.Ended);
        });
        modelBuilder.Entity<OverdueTimetableReview>(overdue => overdue.HasKey(o => new { o.TimetableId, o.ReviewDue }));
        modelBuilder.Entity<SchoolRoll>(roll =>
        {
            roll.HasKey(r => new { r.SchoolYearStart, r.SchoolUrn });
            roll.Property(r => r.SchoolUrn).HasMaxLength(6);
            roll.Property(r => r.RecordedBy).HasMaxLength(200);
            roll.HasMany(r => r.Groups).WithOne().HasForeignKey(g => new { g.SchoolYearStart, g.SchoolUrn }).OnDelete(DeleteBehavior.Cascade);
        });
        modelBuilder.Entity<RollGroup>(group =>
        {
            group.HasKey(g => new { g.SchoolYearStart, g.SchoolUrn, g.Characteristic, g.GroupValue });
            group.Property(g => g.Characteristic).HasMaxLength(32);
            group.Property(g => g.GroupValue).HasMaxLength(20);
        });
        modelBuilder.Entity<Rebuild>(rebuild =>
        {
            rebuild.HasKey(r => r.Id);
            rebuild.Property(r => r.State).HasConversion<string>().HasMaxLength(16);
            rebuild.Property(r => r.RequestedBy).HasMaxLength(200);
            rebuild.Property(r => r.Replayed).AsJson();
            rebuild.Property(r => r.Error).HasMaxLength(2000);
            // One rebuild at a time: a second start while one runs breaks this index.
            rebuild.HasIndex(r => r.State).IsUnique().HasFilter("state = 'Running'").HasDatabaseName("ix_rebuilds_one_running");
        });
    }

    /// <summary>Where a row is counted: its term and phase group by name, its school by URN.</summary>
    private static void Place<T, TTerm, TPhase>(EntityTypeBuilder<T> entity, System.Linq.Expressions.Expression<Func<T, TTerm>> term,
        System.Linq.Expressions.Expression<Func<T, TPhase>> phase, System.Linq.Expressions.Expression<Func<T, string?>> urn) where T : class
    {
        entity.Property(term).HasConversion<string>().HasMaxLength(16);
        entity.Property(phase).HasConversion<string>().HasMaxLength(32);
        entity.Property(urn).HasMaxLength(6);
    }

    /// <summary>
    /// Flags start false in the database itself: the projections insert rows naming only the columns an event sets.
    /// EF writes every column it inserts (never leaving one to the default), so it has no reason to warn, at each start,
    /// that a false it inserts would be taken for "unset".
    /// </summary>
    private static void Defaults<T>(EntityTypeBuilder<T> entity, params System.Linq.Expressions.Expression<Func<T, bool>>[] flags) where T : class
    {
        foreach (var flag in flags)
        {
            entity.Property(flag).HasDefaultValueSql("false").ValueGeneratedNever();
        }
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
