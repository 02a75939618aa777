namespace InclusionServices.SchoolCalendar;

/// <summary>
/// The local authority's calendar with every school's overrides: which days are school days, for whom.
/// Weekends, holidays (half terms and the breaks between terms), bank holidays and INSET days are not school days.
/// </summary>
public sealed class LocalAuthorityCalendar(IEnumerable<SchoolYearCalendar> years, IEnumerable<SchoolCalendarOverride>? overrides = null)
{
    private readonly Dictionary<int, SchoolYearCalendar> _years = years.ToDictionary(y => y.StartYear);
    private readonly Dictionary<(string Urn, int Year), SchoolCalendarOverride> _overrides =
        (overrides ?? []).ToDictionary(o => (o.SchoolUrn, o.SchoolYearStart));

    public IReadOnlyCollection<SchoolYearCalendar> Years => _years.Values;

    /// <summary>The school days of one school (its overrides applied), or of the local authority when urn is null.</summary>
    public SchoolDays For(string? schoolUrn) => new(this, schoolUrn);

    public LocalAuthorityCalendar WithOverride(SchoolCalendarOverride schoolOverride) =>
        new(_years.Values, _overrides.Values.Where(o => (o.SchoolUrn, o.SchoolYearStart) != (schoolOverride.SchoolUrn, schoolOverride.SchoolYearStart))
            .Append(schoolOverride));

    internal SchoolYearCalendar Year(int startYear) =>
        _years.TryGetValue(startYear, out var year) ? year : throw new CalendarNotKnownException(startYear);

    internal SchoolCalendarOverride? Override(string? urn, int startYear) =>
        urn is not null && _overrides.TryGetValue((urn, startYear), out var found) ? found : null;
}

/// <summary>The calendar one school keeps, with the questions deadlines are built from.</summary>
public sealed class SchoolDays
{
    // A school year has about 195 school days; no statutory count comes near this many.
    private const int MaxCount = 400;
    private readonly LocalAuthorityCalendar _calendar;
    private readonly string? _schoolUrn;

    internal SchoolDays(LocalAuthorityCalendar calendar, string? schoolUrn)
    {
        _calendar = calendar;
        _schoolUrn = schoolUrn;
    }

    public bool IsSchoolDay(DateOnly date)
    {
        if (date.DayOfWeek is DayOfWeek.Saturday or DayOfWeek.Sunday)
        {
            return false;
        }
        var startYear = SchoolYears.Of(date);
        var year = _calendar.Year(startYear);
        var term = TermsOf(startYear).FirstOrDefault(t => t.Contains(date));
        return term is not null
            && !term.InHalfTerm(date)
            && !year.BankHolidays.ContainsKey(date)
            && !year.InsetDays.Contains(date)
            && _calendar.Override(SchoolCalendarOverride.LocalAuthority, startYear)?.InsetDays.Contains(date) != true
            && _calendar.Override(_schoolUrn, startYear)?.InsetDays.Contains(date) != true;
    }

    /// <summary>The term a date falls in (half terms included), or null in the holidays between terms.</summary>
    public TermName? TermOf(DateOnly date)
    {
        return TermsOf(SchoolYears.Of(date)).FirstOrDefault(t => t.Contains(date))?.Name;
    }

    /// <summary>The terms this school keeps: its own, else the local authority's as changed, else the file's.</summary>
    public IReadOnlyList<Term> TermsOf(int startYear) =>
        _calendar.Override(_schoolUrn, startYear)?.Terms
        ?? _calendar.Override(SchoolCalendarOverride.LocalAuthority, startYear)?.Terms
        ?? _calendar.Year(startYear).Terms;

    /// <summary>The INSET days of the local authority's calendar and of this school.</summary>
    public IReadOnlySet<DateOnly> InsetDaysOf(int startYear)
    {
        var days = new HashSet<DateOnly>(_calendar.Year(startYear).InsetDays);
        days.UnionWith(_calendar.Override(SchoolCalendarOverride.LocalAuthority, startYear)?.InsetDays ?? new HashSet<DateOnly>());
        days.UnionWith(_calendar.Override(_schoolUrn, startYear)?.InsetDays ?? new HashSet<DateOnly>());
        return days;
    }

    /// <summary>School days in a whole school year.</summary>
    public int SchoolDaysIn(int startYear) =>
        SchoolDaysBetween(SchoolYears.FirstDate(startYear).AddDays(-1), SchoolYears.LastDate(startYear));

    /// <summary>The nth school day after <paramref name="date"/> (the day itself not counted): "within n school days of".</summary>
    public DateOnly NthSchoolDayAfter(DateOnly date, int n)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(n, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(n, MaxCount);
        var day = date;
        for (var counted = 0; counted < n;)
        {
            day = day.AddDays(1);
            if (IsSchoolDay(day))
            {
                counted++;
            }
        }
        return day;
    }

    /// <summary>The nth school day counting <paramref name="firstDay"/> as day 1: "the sixth school day of an exclusion".</summary>
    public DateOnly NthSchoolDayFrom(DateOnly firstDay, int n)
    {
        if (!IsSchoolDay(firstDay))
        {
            throw new ArgumentException($"{firstDay:yyyy-MM-dd} is not a school day.", nameof(firstDay));
        }
        return n == 1 ? firstDay : NthSchoolDayAfter(firstDay, n - 1);
    }

    /// <summary>School days after <paramref name="from"/> up to and including <paramref name="to"/>.</summary>
    public int SchoolDaysBetween(DateOnly from, DateOnly to)
    {
        var count = 0;
        for (var day = from.AddDays(1); day <= to; day = day.AddDays(1))
        {
            if (IsSchoolDay(day))
            {
                count++;
            }
        }
        return count;
    }

    /// <summary>Sessions (a morning or an afternoon) on school days after <paramref name="from"/> up to <paramref name="to"/>.</summary>
    public int SessionsBetween(DateOnly from, DateOnly to) => 2 * SchoolDaysBetween(from, to);

    /// <summary>The last school day before <paramref name="date"/>.</summary>
    public DateOnly LastSchoolDayBefore(DateOnly date)
    {
        var day = date.AddDays(-1);
        for (var looked = 0; !IsSchoolDay(day); looked++)
        {
            if (looked > MaxCount)
            {
                throw new CalendarNotKnownException(SchoolYears.Of(day));
            }
            day = day.AddDays(-1);
        }
        return day;
    }
}
