namespace InclusionServices.SchoolCalendar.Tests;

/// <summary>An invalid calendar or rules file stops start-up with the file, the line and the reason.</summary>
public sealed class CalendarFileTests
{
    private const string Valid = """
        # a comment
        school-year 2022/23
        status published: a test source
        term autumn 2022-09-05 2022-12-16 half-term 2022-10-24 2022-10-28
        term spring 2023-01-04 2023-03-31 half-term 2023-02-13 2023-02-17
        term summer 2023-04-17 2023-07-21 half-term 2023-05-29 2023-06-02
        bank-holiday 2022-09-19 State funeral
        inset 2022-09-06
        """;

    [Fact]
    public void A_valid_file_is_read()
    {
        var year = CalendarFile.Parse("2022-23.calendar", Valid);

        Assert.Equal(2022, year.StartYear);
        Assert.Equal("published: a test source", year.Status);
        Assert.Equal(3, year.Terms.Count);
        Assert.Contains(ShippedData.D("2022-09-06"), year.InsetDays);
    }

    [Theory]
    [InlineData("term autumn 2022-09-05 2022-12-16 half-term 2022-10-24 2022-10-28", "term autumn 2022-09-05 2022-13-16 half-term 2022-10-24 2022-10-28", 4, "'2022-13-16' is not a date")]
    [InlineData("bank-holiday 2022-09-19 State funeral", "bank-holiday 2023-09-19 State funeral", 7, "not in the school year 2022/23")]
    [InlineData("inset 2022-09-06", "inset 2022-10-25", 8, "INSET day 2022-10-25 is not a weekday in term time")]
    [InlineData("inset 2022-09-06", "holiday 2022-10-25", 8, "unknown directive 'holiday'")]
    [InlineData("term spring 2023-01-04 2023-03-31 half-term 2023-02-13 2023-02-17", "term summer 2023-01-04 2023-03-31 half-term 2023-02-13 2023-02-17", 5, "expected spring here")]
    [InlineData("term summer 2023-04-17 2023-07-21 half-term 2023-05-29 2023-06-02", "term summer 2023-04-17 2023-07-21 half-term 2023-07-29 2023-08-02", 6, "not in the school year")]
    [InlineData("term summer 2023-04-17 2023-07-21 half-term 2023-05-29 2023-06-02", "term summer 2023-04-17 2023-07-21 half-term 2023-04-10 2023-04-14", 6, "the half term must lie inside the term")]
    [InlineData("status published: a test source", "# no status", 8, "'status' is missing")]
    [InlineData("status published: a test source", "status confirmed", 3, "'status' must be 'published: <source>'")]
    [InlineData("status published: a test source", "status stand-in:", 3, "'status' must be")]
    [InlineData("school-year 2022/23", "school-year 2022/24", 2, "'2022/24' is not a school year")]
    public void An_invalid_line_is_named_with_its_reason(string replace, string with, int line, string reason)
    {
        var error = Assert.Throws<ReferenceDataException>(() => CalendarFile.Parse("2022-23.calendar", Valid.Replace(replace, with, StringComparison.Ordinal)));

        Assert.Equal("2022-23.calendar", error.File);
        Assert.Equal(line, error.Line);
        Assert.Contains(reason, error.Reason, StringComparison.Ordinal);
        Assert.StartsWith($"2022-23.calendar:{line}: ", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_calendar_in_a_file_named_for_another_year_is_refused()
    {
        var error = Assert.Throws<ReferenceDataException>(() => CalendarFile.Parse("data/2021-22.calendar", Valid));
        Assert.Equal((2, "a calendar for 2022/23 must be in a file named 2022-23.calendar"), (error.Line, error.Reason));
    }

    [Fact]
    public void Loading_a_folder_with_a_broken_file_names_that_file()
    {
        var folder = Directory.CreateTempSubdirectory("calendar-");
        try
        {
            Directory.CreateDirectory(Path.Combine(folder.FullName, "wolverhampton"));
            File.WriteAllText(Path.Combine(folder.FullName, "wolverhampton", "2022-23.calendar"), Valid.Replace("2022-10-28", "2022-10-2x", StringComparison.Ordinal));
            File.Copy(Path.Combine(ReferenceData.ShippedDirectory, StatutoryRules.FileName), Path.Combine(folder.FullName, StatutoryRules.FileName));

            var error = Assert.Throws<ReferenceDataException>(() => ReferenceData.Load(folder.FullName));

            Assert.EndsWith(Path.Combine("wolverhampton", "2022-23.calendar"), error.File, StringComparison.Ordinal);
            Assert.Equal(4, error.Line);
        }
        finally
        {
            folder.Delete(recursive: true);
        }
    }

    [Theory]
    [InlineData("limit irp-application 15\n", "", "does not state irp-application")]
    [InlineData("limit irp-meeting 15", "limit irp-meeting 0", "DAYS from 1 to 200")]
    [InlineData("limit irp-meeting 15", "limit irp-meetings 15", "unknown limit 'irp-meetings'")]
    public void An_invalid_rules_file_is_named_with_its_reason(string replace, string with, string reason)
    {
        var text = File.ReadAllText(Path.Combine(ReferenceData.ShippedDirectory, StatutoryRules.FileName));
        var broken = text.Replace(replace, with, StringComparison.Ordinal);
        Assert.NotEqual(text, broken);

        var error = Assert.Throws<ReferenceDataException>(() => StatutoryRules.Parse("statutory-time-limits.rules", broken));

        Assert.Contains(reason, error.Reason, StringComparison.Ordinal);
        Assert.True(error.Line > 0);
    }
}
