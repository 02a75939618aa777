extern alias MeetingsService;

using Google.Type;
using Inclusion.Meetings.V1;
using InclusionServices.ServiceDefaults;
using MeetingsDatabase = MeetingsService::InclusionServices.Meetings.Storage.MeetingsDatabase;
using PanelSittingsApi = MeetingsService::InclusionServices.Meetings.PanelSittings.PanelSittingsApi;

namespace InclusionServices.Tests.Meetings;

public sealed class MeetingsUnderTest() : ServiceUnderTest<PanelSittingsApi, MeetingsDatabase>(MeetingsDatabase.ConnectionName);

public sealed class PanelSittingsServiceTests(MeetingsUnderTest service) : IClassFixture<MeetingsUnderTest>
{
    private readonly PanelSittings.PanelSittingsClient _sittings = new(service.Channel);

    private static Date On(int year, int month, int day) => new() { Year = year, Month = month, Day = day };

    private Task<PanelSitting> Schedule(PanelPhase phase, Date cutOff, Date meeting) =>
        _sittings.CreatePanelSittingAsync(new CreatePanelSittingRequest
        {
            PanelSitting = new PanelSitting { Phase = phase, CutOffDate = cutOff, MeetingDate = meeting },
        }, Tokens.Header(InclusionRoles.Manager)).ResponseAsync;

    [Fact]
    public async Task The_2020_secondary_schedule_from_the_teams_web_page_lists_in_meeting_order_across_pages()
    {
        // Cut-off -> meeting pairs published by the team for 2020, entered out of order on purpose.
        (Date CutOff, Date Meeting)[] published =
        [
            (On(2020, 5, 22), On(2020, 6, 4)), (On(2020, 2, 28), On(2020, 3, 5)), (On(2020, 3, 13), On(2020, 3, 19)),
            (On(2020, 4, 10), On(2020, 4, 16)), (On(2020, 4, 24), On(2020, 4, 30)), (On(2020, 5, 8), On(2020, 5, 14)),
            (On(2020, 6, 12), On(2020, 6, 18)), (On(2020, 6, 26), On(2020, 7, 2)),
        ];
        foreach (var (cutOff, meeting) in published)
        {
            await Schedule(PanelPhase.Secondary, cutOff, meeting);
        }
        await Schedule(PanelPhase.Primary, On(2020, 3, 13), On(2020, 3, 19));

        var meetings = new List<Date>();
        var token = "";
        do
        {
            var page = await _sittings.ListPanelSittingsAsync(new ListPanelSittingsRequest
            {
                Phase = PanelPhase.Secondary, PageSize = 3, PageToken = token,
            }, Tokens.Header(InclusionRoles.School, "104001"));
            meetings.AddRange(page.PanelSittings.Select(s => s.MeetingDate));
            Assert.All(page.PanelSittings, s => Assert.Equal(PanelPhase.Secondary, s.Phase));
            token = page.NextPageToken;
        } while (token != "");

        Assert.Equal(published.Select(p => p.Meeting).OrderBy(d => (d.Year, d.Month, d.Day)), meetings);
    }

    [Fact]
    public async Task A_cut_off_after_the_meeting_or_a_date_that_does_not_exist_is_refused()
    {
        await RpcAssert.InvalidFields(() => Schedule(PanelPhase.Primary, On(2021, 3, 20), On(2021, 3, 19)),
            "panel_sitting.cut_off_date");
        await RpcAssert.InvalidFields(() => Schedule(PanelPhase.Unspecified, On(2021, 2, 30), new Date()),
            "panel_sitting.phase", "panel_sitting.cut_off_date", "panel_sitting.meeting_date");
    }

    [Fact]
    public async Task The_panel_sits_once_a_day_per_phase()
    {
        await Schedule(PanelPhase.Primary, On(2022, 1, 7), On(2022, 1, 13));

        await RpcAssert.FailsWith(Grpc.Core.StatusCode.AlreadyExists,
            () => Schedule(PanelPhase.Primary, On(2022, 1, 10), On(2022, 1, 13)));
    }
}
