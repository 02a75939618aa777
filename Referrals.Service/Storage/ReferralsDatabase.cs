using InclusionServices.CalendarOverrides;
using InclusionServices.EventBus;
using InclusionServices.Referrals.Exclusions;
using InclusionServices.Referrals.Pupils;
using InclusionServices.Referrals.ReferralCases;
using InclusionServices.Referrals.Schools;
using InclusionServices.ServiceDefaults;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;

namespace InclusionServices.Referrals.Storage;

/// <summary>The Referrals service's own PostgreSQL database.</summary>
public sealed class ReferralsDatabase(DbContextOptions<ReferralsDatabase> options) : ServiceDatabase(options), ICalendarOverrideStore
{
    public const string ConnectionName = "referralsdb";

    public DbSet<School> Schools => Set<School>();
    public DbSet<Pupil> Pupils => Set<Pupil>();
    public DbSet<Referral> Referrals => Set<Referral>();
    public DbSet<Exclusion> Exclusions => Set<Exclusion>();
    public DbSet<MissedDeadline> MissedDeadlines => Set<MissedDeadline>();
    public DbSet<NotificationDuty> NotificationDuties => Set<NotificationDuty>();
    public DbSet<InternalExclusion> InternalExclusions => Set<InternalExclusion>();

    public DbSet<CalendarOverrideRow> CalendarOverrides => Set<CalendarOverrideRow>();

    protected override string Producer => "referrals";

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        base.OnModelCreating(modelBuilder);
        modelBuilder.AddCalendarOverrides();
        modelBuilder.ApplyConfigurationsFromAssembly(typeof(ReferralsDatabase).Assembly);
    }
}

/// <summary>Lets dotnet-ef build the model to write migrations; never used at run time.</summary>
public sealed class ReferralsDatabaseDesignFactory : IDesignTimeDbContextFactory<ReferralsDatabase>
{
    public ReferralsDatabase CreateDbContext(string[] args)
    {
        var options = new DbContextOptionsBuilder<ReferralsDatabase>();
        options.UseServiceDatabase("Host=localhost;Database=referrals");
        return new ReferralsDatabase(options.Options);
    }
}
