using InclusionServices.CalendarOverrides;
using InclusionServices.EventBus;
using InclusionServices.Meetings.Consumers;
using InclusionServices.Meetings.Meetings;
using InclusionServices.Meetings.Panel;
using InclusionServices.KnownPupils;
using InclusionServices.ServiceDefaults;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace InclusionServices.Meetings.Storage;

/// <summary>The Meetings service's own PostgreSQL database.</summary>
public sealed class MeetingsDatabase(DbContextOptions<MeetingsDatabase> options) : ServiceDatabase(options), ICalendarOverrideStore
{
    public const string ConnectionName = "meetingsdb";

    public DbSet<Meeting> Meetings => Set<Meeting>();
    public DbSet<MeetingAction> MeetingActions => Set<MeetingAction>();
    public DbSet<IrpReviewDuty> IrpReviews => Set<IrpReviewDuty>();
    public DbSet<PanelSitting> PanelSittings => Set<PanelSitting>();
    public DbSet<PanelCase> PanelCases => Set<PanelCase>();
    public DbSet<AcceptedReferral> AcceptedReferrals => Set<AcceptedReferral>();

    public DbSet<CalendarOverrideRow> CalendarOverrides => Set<CalendarOverrideRow>();

    protected override string Producer => "meetings";

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        base.OnModelCreating(modelBuilder);
        modelBuilder.AddCalendarOverrides();
        modelBuilder.ApplyConfigurationsFromAssembly(typeof(MeetingsDatabase).Assembly);
    }
}

internal sealed class MeetingConfiguration : IEntityTypeConfiguration<Meeting>
{
    public void Configure(EntityTypeBuilder<Meeting> meeting)
    {
        meeting.HasKey(m => m.Id);
        meeting.Property(m => m.Kind).HasConversion<string>().HasMaxLength(40);
        meeting.Property(m => m.Status).HasConversion<string>().HasMaxLength(16);
        meeting.Property(m => m.Outcome).HasConversion<string>().HasMaxLength(40);
        meeting.Property(m => m.SchoolUrn).HasMaxLength(6);
        meeting.Property(m => m.LeadOfficer).HasMaxLength(200);
        meeting.Property(m => m.CancelReason).HasMaxLength(1000);
        meeting.Property(m => m.OutcomeDetails).HasMaxLength(4000);
        // Pupil attributes, the slot, attendees and contributions are read and written with the meeting, never queried inside.
        meeting.Property(m => m.Pupil).AsJson();
        meeting.Property(m => m.Slot).AsJson();
        meeting.Property(m => m.Attendees).AsJson();
        meeting.Property(m => m.Contributions).AsJson();
        meeting.HasMany(m => m.Actions).WithOne().HasForeignKey(a => a.MeetingId);
        meeting.Navigation(m => m.Actions).HasField("_actions").AutoInclude();
        meeting.Property(m => m.Version).IsRowVersion();
        meeting.HasIndex(m => new { m.MeetingDate, m.Id });
        meeting.HasIndex(m => new { m.PupilId, m.MeetingDate });
        meeting.HasIndex(m => new { m.SchoolUrn, m.MeetingDate });
    }
}

internal sealed class MeetingActionConfiguration : IEntityTypeConfiguration<MeetingAction>
{
    public void Configure(EntityTypeBuilder<MeetingAction> action)
    {
        action.ToTable("meeting_actions");
        action.HasKey(a => new { a.MeetingId, a.Number });
        action.Property(a => a.Description).HasMaxLength(1000);
        action.Property(a => a.Owner).HasMaxLength(200);
        // The overdue watcher's question: undone, past due, not yet reported.
        action.HasIndex(a => a.DueDate).HasFilter("completed_on IS NULL AND overdue_reported_at IS NULL")
            .HasDatabaseName("ix_meeting_actions_awaiting_overdue");
    }
}

internal sealed class IrpReviewConfiguration : IEntityTypeConfiguration<IrpReviewDuty>
{
    public void Configure(EntityTypeBuilder<IrpReviewDuty> review)
    {
        review.ToTable("irp_reviews");
        review.HasKey(r => r.ExclusionId);
        review.Property(r => r.SchoolUrn).HasMaxLength(6);
        review.Property(r => r.DeadlineNotCountedReason).HasMaxLength(200);
    }
}

internal sealed class PanelSittingConfiguration : IEntityTypeConfiguration<PanelSitting>
{
    public void Configure(EntityTypeBuilder<PanelSitting> sitting)
    {
        sitting.HasKey(s => s.Id);
        sitting.Property(s => s.Phase).HasConversion<string>().HasMaxLength(16);
        // The panel sits once a day per phase.
        sitting.HasIndex(s => new { s.Phase, s.MeetingDate }).IsUnique();
        sitting.Property(s => s.Version).IsRowVersion();
    }
}

internal sealed class PanelCaseConfiguration : IEntityTypeConfiguration<PanelCase>
{
    public void Configure(EntityTypeBuilder<PanelCase> panelCase)
    {
        panelCase.HasKey(c => c.Id);
        panelCase.Property(c => c.Source).HasMaxLength(100);
        panelCase.Property(c => c.SchoolUrn).HasMaxLength(6);
        panelCase.Property(c => c.Phase).HasConversion<string>().HasMaxLength(16);
        panelCase.Property(c => c.Decision).HasConversion<string>().HasMaxLength(40);
        panelCase.Property(c => c.DecisionNotes).HasMaxLength(4000);
        panelCase.Property(c => c.Pupil).AsJson();
        panelCase.HasIndex(c => new { c.SittingId, c.Id });
        panelCase.HasOne<PanelSitting>().WithMany().HasForeignKey(c => c.SittingId);
    }
}

internal sealed class AcceptedReferralConfiguration : IEntityTypeConfiguration<AcceptedReferral>
{
    public void Configure(EntityTypeBuilder<AcceptedReferral> referral)
    {
        referral.ToTable("accepted_referrals");
        referral.HasKey(r => r.ReferralId);
        referral.Property(r => r.Pupil).AsJson();
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
