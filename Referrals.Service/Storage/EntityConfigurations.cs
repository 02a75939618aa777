using InclusionServices.Referrals.Exclusions;
using InclusionServices.Referrals.Pupils;
using InclusionServices.Referrals.ReferralCases;
using InclusionServices.Referrals.Schools;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace InclusionServices.Referrals.Storage;

internal sealed class SchoolConfiguration : IEntityTypeConfiguration<School>
{
    public void Configure(EntityTypeBuilder<School> school)
    {
        school.HasKey(s => s.Urn);
        school.Property(s => s.Urn).HasMaxLength(6);
        school.Property(s => s.Name).HasMaxLength(School.MaxNameLength);
        school.Property(s => s.Postcode).HasMaxLength(8);
        school.Property(s => s.Laestab).HasMaxLength(7);
        school.Property(s => s.Address).HasMaxLength(School.MaxAddressLength);
        school.Property(s => s.Telephone).HasMaxLength(11);
        school.Property(s => s.DslTelephone).HasMaxLength(11);
        school.Property(s => s.HeadTeacher).HasMaxLength(School.MaxPersonNameLength);
        school.Property(s => s.Sendco).HasMaxLength(School.MaxPersonNameLength);
        school.Property(s => s.DslName).HasMaxLength(School.MaxPersonNameLength);
        school.Property(s => s.DslEmail).HasMaxLength(254);
        school.HasIndex(s => s.Phase);
        school.Property(s => s.Phase).HasConversion<string>().HasMaxLength(32);
        // PostgreSQL's xmin changes on every update: the etag clients send back to detect concurrent edits.
        school.Property(s => s.Version).IsRowVersion();
    }
}

internal sealed class PupilConfiguration : IEntityTypeConfiguration<Pupil>
{
    public void Configure(EntityTypeBuilder<Pupil> pupil)
    {
        pupil.HasKey(p => p.Id);
        pupil.Property(p => p.Upn).HasMaxLength(13);
        // One record per child: the UPN finds the same pupil whichever school refers them. Another school's record of
        // a known child waits as a duplicate (duplicate_of) until the team resolves it.
        pupil.HasIndex(p => p.Upn).IsUnique().HasFilter("duplicate_of IS NULL");
        // Every record of a child, duplicates too, for the yearly suspension cap: without it, recording an exclusion
        // read every exclusion of the school year (about 4 ms of the server's CPU per 35,000).
        pupil.HasIndex(p => p.Upn, "upn_every_record").HasDatabaseName("ix_pupils_upn_every_record");
        pupil.HasIndex(p => p.DuplicateOf).HasFilter("duplicate_of IS NOT NULL AND merged_into IS NULL");
        pupil.Property(p => p.GivenName).HasMaxLength(Pupil.MaxNameLength);
        pupil.Property(p => p.FamilyName).HasMaxLength(Pupil.MaxNameLength);
        pupil.Property(p => p.SchoolUrn).HasMaxLength(6);
        pupil.Property(p => p.Sex).HasConversion<string>().HasMaxLength(16);
        pupil.Property(p => p.SenStatus).HasConversion<string>().HasMaxLength(16);
        pupil.HasIndex(p => new { p.SchoolUrn, p.FamilyName, p.Id });
        pupil.Property(p => p.Version).IsRowVersion();
        // The profile (contacts, SEN and health details) is read and written whole, as JSON, never queried inside.
        pupil.Property<string>("_profileJson").HasColumnName("profile").HasColumnType("jsonb");
        pupil.HasMany(p => p.SchoolHistory).WithOne().HasForeignKey(s => s.PupilId);
        pupil.Navigation(p => p.SchoolHistory).HasField("_schoolHistory").AutoInclude();
    }
}

internal sealed class ReferralConfiguration : IEntityTypeConfiguration<Referral>
{
    public void Configure(EntityTypeBuilder<Referral> referral)
    {
        referral.HasKey(r => r.Id);
        referral.Property(r => r.SchoolUrn).HasMaxLength(6);
        referral.Property(r => r.Status).HasConversion<string>().HasMaxLength(16);
        referral.Property(r => r.AllocatedOfficer).HasMaxLength(200);
        referral.Property(r => r.DeclineReason).HasMaxLength(4000);
        referral.Property(r => r.CloseOutcome).HasMaxLength(4000);
        referral.HasIndex(r => new { r.SchoolUrn, r.Status });
        referral.HasIndex(r => r.AllocatedOfficer);
        // A school's list, newest first, reads its own rows only (a scan of the whole table by id otherwise walked past
        // every newer referral of every other school).
        referral.HasIndex(r => new { r.SchoolUrn, r.Id });
        referral.HasOne<Pupil>().WithMany().HasForeignKey(r => r.PupilId);
        referral.Property(r => r.Version).IsRowVersion();
        // The form holds names and contact details: read and written whole, as JSON, never queried inside.
        referral.Property<string>("_formJson").HasColumnName("form").HasColumnType("jsonb");
    }
}

internal sealed class ExclusionConfiguration : IEntityTypeConfiguration<Exclusion>
{
    public void Configure(EntityTypeBuilder<Exclusion> exclusion)
    {
        exclusion.HasKey(e => e.Id);
        exclusion.Property(e => e.SchoolUrn).HasMaxLength(6);
        exclusion.Property(e => e.Kind).HasConversion<string>().HasMaxLength(32);
        exclusion.Property(e => e.BoardDecision).HasConversion<string>().HasMaxLength(16);
        exclusion.Property(e => e.IrpDecision).HasConversion<string>().HasMaxLength(32);
        exclusion.Property(e => e.Details).HasMaxLength(Exclusion.MaxDetailsLength);
        exclusion.HasIndex(e => new { e.PupilId, e.StartDate });
        // The deadline watcher reads only exclusions that can still owe a duty (DeadlineWatcher.AwaitingBoard / AwaitingPanel).
        exclusion.HasIndex(e => e.StartDate).HasFilter("owes_board_meeting AND board_decision IS NULL")
            .HasDatabaseName("ix_exclusions_awaiting_board");
        exclusion.HasIndex(e => e.IrpApplied).HasFilter("irp_applied IS NOT NULL AND irp_decision IS NULL")
            .HasDatabaseName("ix_exclusions_awaiting_panel");
        // A school's list, newest first (as for referrals).
        exclusion.HasIndex(e => new { e.SchoolUrn, e.Id });
        exclusion.HasOne<Pupil>().WithMany().HasForeignKey(e => e.PupilId);
        exclusion.Property(e => e.Version).IsRowVersion();
    }
}

internal sealed class InternalExclusionConfiguration : IEntityTypeConfiguration<InternalExclusion>
{
    public void Configure(EntityTypeBuilder<InternalExclusion> recorded)
    {
        recorded.HasKey(e => e.Id);
        recorded.Property(e => e.Kind).HasConversion<string>().HasMaxLength(32);
        recorded.Property(e => e.SchoolUrn).HasMaxLength(6);
        recorded.Property(e => e.Reason).HasMaxLength(InternalExclusion.MaxReasonLength);
        recorded.HasIndex(e => e.PupilId);
        recorded.HasIndex(e => new { e.SchoolUrn, e.Id });
    }
}

internal sealed class NotificationDutyConfiguration : IEntityTypeConfiguration<NotificationDuty>
{
    public void Configure(EntityTypeBuilder<NotificationDuty> duty)
    {
        duty.HasKey(d => new { d.ExclusionId, d.Recipient });
        duty.Property(d => d.Recipient).HasConversion<string>().HasMaxLength(32);
        duty.Property(d => d.Method).HasConversion<string>().HasMaxLength(32);
        duty.Property(d => d.ToldBy).HasMaxLength(200);
        // The watcher reads only the duties still open.
        duty.HasIndex(d => d.Due).HasFilter("told_on IS NULL AND missed_reported_at IS NULL").HasDatabaseName("ix_notification_duties_open");
    }
}

internal sealed class MissedDeadlineConfiguration : IEntityTypeConfiguration<MissedDeadline>
{
    public void Configure(EntityTypeBuilder<MissedDeadline> missed)
    {
        missed.HasKey(m => new { m.ExclusionId, m.Kind });
        missed.Property(m => m.Kind).HasConversion<string>().HasMaxLength(48);
    }
}


internal sealed class SchoolSpellConfiguration : IEntityTypeConfiguration<SchoolSpell>
{
    public void Configure(EntityTypeBuilder<SchoolSpell> spell)
    {
        spell.ToTable("pupil_school_spells");
        spell.HasKey(s => new { s.PupilId, s.From, s.SchoolUrn });
        spell.Property(s => s.SchoolUrn).HasMaxLength(6);
    }
}
