using InclusionServices.Tests.Reporting;
using Microsoft.EntityFrameworkCore;

namespace InclusionServices.Tests.Platform;

/// <summary>A normal start puts nothing yellow on the dashboard: the model's configuration is not worth a warning each time.</summary>
public sealed class QuietStartTests(ReportingUnderTest reporting) : IClassFixture<ReportingUnderTest>
{
    [Fact]
    public async Task Reporting_starts_without_warnings_about_its_storage_model()
    {
        // The model is built at the first use of the database.
        await reporting.WithDatabase(db => db.Schools.CountAsync());

        Assert.DoesNotContain(reporting.Logs.Entries, e => e.Category.StartsWith("Microsoft.EntityFrameworkCore", StringComparison.Ordinal));
    }
}
