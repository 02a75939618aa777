using Google.Type;
using Inclusion.Meetings.V1;
using InclusionServices.ServiceDefaults;

namespace InclusionServices.Tests.Meetings;

public sealed class PanelSittingsServiceTests(MeetingsUnderTest service) : IClassFixture<MeetingsUnderTest>
{
    private readonly PanelSittings.PanelSittingsClient _sittings = new(service.Channel);

    private static Date On(int year, int month, int day) => new() { Year = year, Month = month, Day = day };

    private Task<PanelSitting> Schedule(PanelPhase phase, Date? cutOff, Date meeting) =>
        _sittings.CreatePanelSittingAsync(new CreatePanelSittingRequest
        {
            PanelSitting = new PanelSitting { Phase = phase, CutOffDate = cutOff, MeetingDate = meeting },
        }, Tokens.Header(InclusionRoles.Manager)).ResponseAsync;

    [Fact]
    public async Task The_2020_secondary_sittings_from_the_teams_web_page_are_loaded_at_start_up_and_list_in_meeting_order()
    {
        // The team's page: "- -> 20 February", then cut-off -> meeting pairs to 2 July.
        (Date? CutOff, Date Meeting)[] published =
        [
            (null, On(2020, 2, 20)), (On(2020, 2, 28), On(2020, 3, 5)), (On(2020, 3, 13), On(2020, 3, 19)), (On(2020, 4, 10), On(2020, 4, 16)),
            (On(2020, 4, 24), On(2020, 4, 30)), (On(2020, 5, 8), On(2020, 5, 14)), (On(2020, 5, 22), On(2020, 6, 4)),
            (On(2020, 6, 12), On(2020, 6, 18)), (On(2020, 6, 26), On(2020, 7, 2)),
        ];

        var listed = new List<PanelSitting>();
        var token = "";
        do
        {
            var page = await _sittings.ListPanelSittingsAsync(new ListPanelSittingsRequest
            {
                Phase = PanelPhase.Secondary, PageSize = 4, PageToken = token,
            }, Tokens.Header(InclusionRoles.School, "104001"));
            listed.AddRange(page.PanelSittings);
            token = page.NextPageToken;
        } while (token != "");

        Assert.Equal(published.Select(p => (p.CutOff, p.Meeting)), listed.Where(s => s.MeetingDate.Year == 2020).Select(s => ((Date?)s.CutOffDate, s.MeetingDate)));
    }

    [Fact]
    public async Task A_manager_moves_a_sitting_with_its_etag_and_a_stale_etag_is_aborted()
    {
        var sitting = await Schedule(PanelPhase.Primary, On(2023, 1, 6), On(2023, 1, 12));

        var moved = await _sittings.UpdatePanelSittingAsync(new UpdatePanelSittingRequest
        {
            PanelSitting = new PanelSitting { Name = sitting.Name, CutOffDate = On(2023, 1, 9), MeetingDate = On(2023, 1, 13), Etag = sitting.Etag },
        }, Tokens.Header(InclusionRoles.Manager));
        Assert.Equal((On(2023, 1, 9), On(2023, 1, 13)), (moved.CutOffDate, moved.MeetingDate));

        await RpcAssert.FailsWith(Grpc.Core.StatusCode.Aborted, () => _sittings.UpdatePanelSittingAsync(new UpdatePanelSittingRequest
        {
            PanelSitting = new PanelSitting { Name = sitting.Name, CutOffDate = On(2023, 1, 10), MeetingDate = On(2023, 1, 13), Etag = sitting.Etag },
        }, Tokens.Header(InclusionRoles.Manager)).ResponseAsync);
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
