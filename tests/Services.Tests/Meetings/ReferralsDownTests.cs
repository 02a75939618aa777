using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using Inclusion.Meetings.V1;
using InclusionServices.Tests.Referrals;
using static InclusionServices.Tests.Referrals.ReferralsData;

namespace InclusionServices.Tests.Meetings;

/// <summary>Scheduling while Referrals is down answers UNAVAILABLE with a clear message, never INTERNAL.</summary>
public sealed class ReferralsDownTests
{
    [Fact]
    public async Task Scheduling_while_referrals_is_stopped_is_unavailable_not_internal()
    {
        var suite = new MeetingsWithReferrals();
        await suite.InitializeAsync();
        try
        {
            await RegisterSchoolAsync(suite.Referrals.Channel, "622001");
            var pupil = await NewPupilAsync(suite.Referrals.Channel, "622001", 301);
            var meetings = new Inclusion.Meetings.V1.Meetings.MeetingsClient(suite.Meetings.Channel);
            ScheduleMeetingRequest Request() => new()
            {
                Meeting = new Meeting
                {
                    Kind = MeetingKind.TeamAroundTheChild, Pupil = pupil.Name, LeadOfficer = "officer-1", Online = true, DurationMinutes = 30,
                    StartTime = Timestamp.FromDateTimeOffset(DateTimeOffset.UtcNow.AddDays(3)),
                },
            };
            Assert.Equal(MeetingStatus.Scheduled, (await meetings.ScheduleMeetingAsync(Request(), Officer)).Status);

            await ((IAsyncLifetime)suite.Referrals).DisposeAsync(); // Referrals stops: its port refuses connections

            var error = await RpcAssert.FailsWith(StatusCode.Unavailable, () => meetings.ScheduleMeetingAsync(Request(), Officer).ResponseAsync);
            Assert.Contains("Referrals cannot be reached", error.Status.Detail, StringComparison.Ordinal);
        }
        finally
        {
            await ((IAsyncLifetime)suite.Meetings).DisposeAsync();
            suite.Clock.Dispose();
        }
    }
}
