using Google.Protobuf;
using Inclusion.Reporting.V1;
using ScottPlot;

namespace InclusionServices.Reporting.Reports;

/// <summary>
/// The prevention summary drawn as the team's own chart: for each phase group, a bar of meetings held beside a bar of
/// the permanent exclusions that followed, each labelled with its figure ("c" where withheld for publication).
/// </summary>
public static class PreventionChart
{
    private const int Width = 800;
    private const int Height = 500;
    private static readonly Color MeetingsColour = Color.FromHex("#1f5f8b");
    private static readonly Color ExclusionsColour = Color.FromHex("#c8553d");

    public static Inclusion.Reporting.V1.PreventionChart Render(PreventionSummary summary)
    {
        var year = summary.Scope.SchoolYearStart;
        var title = $"Exclusion Prevention Meetings {year}/{(year + 1) % 100:00}";
        if (summary.Scope.SchoolUrn.Length > 0)
        {
            title += $", school {summary.Scope.SchoolUrn}";
        }
        var plot = new Plot();
        plot.Title(title);
        var ticks = new List<Tick>();
        var position = 1.0;
        foreach (var phase in summary.Phases)
        {
            AddBar(plot, position, phase.Meetings, MeetingsColour);
            AddBar(plot, position + 1, phase.FollowedByPermanentExclusion, ExclusionsColour);
            ticks.Add(new Tick(position + 0.5, phase.PhaseGroup == ReportPhase.Primary ? "Primary" : "Secondary and special"));
            position += 3;
        }
        plot.Axes.Bottom.TickGenerator = new ScottPlot.TickGenerators.NumericManual([.. ticks]);
        plot.Axes.Bottom.MajorTickStyle.Length = 0;
        plot.Axes.Left.Label.Text = "Number";
        plot.Axes.Margins(bottom: 0, top: 0.15);
        plot.Legend.IsVisible = true;
        // Upper left: primary's bars are the shorter, so nothing is hidden behind the legend.
        plot.Legend.Alignment = Alignment.UpperLeft;
        plot.Legend.ManualItems.Add(new LegendItem { LabelText = "Meetings held", FillColor = MeetingsColour });
        plot.Legend.ManualItems.Add(new LegendItem { LabelText = "Followed by a permanent exclusion", FillColor = ExclusionsColour });
        return new Inclusion.Reporting.V1.PreventionChart
        {
            Title = title,
            Svg = ByteString.CopyFromUtf8(plot.GetSvgXml(Width, Height)),
            Png = ByteString.CopyFrom(plot.GetImageBytes(Width, Height, ImageFormat.Png)),
        };
    }

    private static void AddBar(Plot plot, double position, Figure figure, Color colour)
    {
        var shown = figure.Status == FigureStatus.Shown;
        var bar = new Bar
        {
            Position = position,
            Value = shown ? figure.Value : 0,
            FillColor = colour,
            Label = shown ? Figures.AsCsv(figure) : "c",
        };
        var bars = plot.Add.Bars(new[] { bar });
        bars.ValueLabelStyle.FontSize = 16;
    }
}
