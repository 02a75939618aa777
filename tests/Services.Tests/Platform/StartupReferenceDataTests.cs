extern alias ReferralsService;

using InclusionServices.SchoolCalendar;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using SchoolsApi = ReferralsService::InclusionServices.Referrals.Schools.SchoolsApi;

namespace InclusionServices.Tests.Platform;

/// <summary>A Referrals service pointed at a calendar folder whose 2022/23 file has a bad date on line 3.</summary>
public sealed class ReferralsWithBrokenCalendar(string dataDirectory) : WebApplicationFactory<SchoolsApi>
{
    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseSetting("ConnectionStrings:referralsdb", TestServers.NewDatabase("broken_calendar"));
        builder.UseSetting("ConnectionStrings:rabbitmq", TestServers.RabbitMq);
        builder.UseSetting("SchoolCalendar:DataDirectory", dataDirectory);
        foreach (var (key, value) in Tokens.ServiceSettings)
        {
            builder.UseSetting(key, value);
        }
    }
}

public sealed class StartupReferenceDataTests
{
    [Fact]
    public void A_service_does_not_start_with_an_invalid_calendar_file_and_says_which_file_line_and_why()
    {
        var folder = Directory.CreateTempSubdirectory("calendar-");
        try
        {
            var calendars = Directory.CreateDirectory(Path.Combine(folder.FullName, "wolverhampton"));
            File.WriteAllText(Path.Combine(calendars.FullName, "2022-23.calendar"),
                "school-year 2022/23\nstatus published: a test source\nterm autumn 2022-09-05 2022-12-32 half-term 2022-10-24 2022-10-28\n");
            File.Copy(Path.Combine(ReferenceData.ShippedDirectory, StatutoryRules.FileName),
                Path.Combine(folder.FullName, StatutoryRules.FileName));
            using var service = new ReferralsWithBrokenCalendar(folder.FullName);

            var error = Assert.ThrowsAny<Exception>(() => service.Server);

            Assert.Contains("2022-23.calendar:3: '2022-12-32' is not a date in the form YYYY-MM-DD", error.ToString(), StringComparison.Ordinal);
        }
        finally
        {
            folder.Delete(recursive: true);
        }
    }
}
