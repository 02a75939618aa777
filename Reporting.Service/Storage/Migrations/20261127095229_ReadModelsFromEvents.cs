using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace InclusionServices.Reporting.Storage.Migrations
{
    /// <inheritdoc />
    public partial class ReadModelsFromEvents : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "meeting_outcomes");

            migrationBuilder.CreateTable(
                name: "applied_events",
                columns: table => new
                {
                    producer = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false),
                    sequence = table.Column<long>(type: "bigint", nullable: false),
                    event_id = table.Column<Guid>(type: "uuid", nullable: false),
                    event_type = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    occurred_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_applied_events", x => new { x.producer, x.sequence });
                });

            migrationBuilder.CreateTable(
                name: "exclusion_counts",
                columns: table => new
                {
                    school_year_start = table.Column<int>(type: "integer", nullable: false),
                    school_urn = table.Column<string>(type: "character varying(6)", maxLength: 6, nullable: false),
                    phase_group = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false),
                    term = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    kind = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false),
                    dimension = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false),
                    group_value = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    exclusions = table.Column<int>(type: "integer", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_exclusion_counts", x => new { x.school_year_start, x.school_urn, x.phase_group, x.term, x.kind, x.dimension, x.group_value });
                });

            migrationBuilder.CreateTable(
                name: "exclusion_facts",
                columns: table => new
                {
                    exclusion_id = table.Column<Guid>(type: "uuid", nullable: false),
                    recorded = table.Column<bool>(type: "boolean", nullable: false, defaultValueSql: "false"),
                    kind = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: true),
                    pupil_id = table.Column<Guid>(type: "uuid", nullable: true),
                    school_urn = table.Column<string>(type: "character varying(6)", maxLength: 6, nullable: true),
                    phase_group = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: true),
                    school_year_start = table.Column<int>(type: "integer", nullable: true),
                    term = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: true),
                    start_date = table.Column<DateOnly>(type: "date", nullable: true),
                    sessions = table.Column<int>(type: "integer", nullable: false, defaultValueSql: "0"),
                    board_decided = table.Column<bool>(type: "boolean", nullable: false, defaultValueSql: "false"),
                    board_missed = table.Column<bool>(type: "boolean", nullable: false, defaultValueSql: "false"),
                    board_due = table.Column<DateOnly>(type: "date", nullable: true),
                    board_holder = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: true),
                    irp_requested = table.Column<bool>(type: "boolean", nullable: false, defaultValueSql: "false"),
                    irp_decided = table.Column<bool>(type: "boolean", nullable: false, defaultValueSql: "false"),
                    irp_missed = table.Column<bool>(type: "boolean", nullable: false, defaultValueSql: "false"),
                    irp_due = table.Column<DateOnly>(type: "date", nullable: true),
                    irp_holder = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_exclusion_facts", x => x.exclusion_id);
                });

            migrationBuilder.CreateTable(
                name: "overdue_timetable_reviews",
                columns: table => new
                {
                    timetable_id = table.Column<Guid>(type: "uuid", nullable: false),
                    review_due = table.Column<DateOnly>(type: "date", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_overdue_timetable_reviews", x => new { x.timetable_id, x.review_due });
                });

            migrationBuilder.CreateTable(
                name: "panel_case_facts",
                columns: table => new
                {
                    panel_case_id = table.Column<Guid>(type: "uuid", nullable: false),
                    school_urn = table.Column<string>(type: "character varying(6)", maxLength: 6, nullable: true),
                    phase_group = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: true),
                    listed_for = table.Column<DateOnly>(type: "date", nullable: true),
                    decision = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: true),
                    decided_on = table.Column<DateOnly>(type: "date", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_panel_case_facts", x => x.panel_case_id);
                });

            migrationBuilder.CreateTable(
                name: "part_time_timetable_facts",
                columns: table => new
                {
                    timetable_id = table.Column<Guid>(type: "uuid", nullable: false),
                    pupil_id = table.Column<Guid>(type: "uuid", nullable: true),
                    school_urn = table.Column<string>(type: "character varying(6)", maxLength: 6, nullable: true),
                    phase_group = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: true),
                    ended = table.Column<bool>(type: "boolean", nullable: false, defaultValueSql: "false"),
                    last_reviewed_on = table.Column<DateOnly>(type: "date", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_part_time_timetable_facts", x => x.timetable_id);
                });

            migrationBuilder.CreateTable(
                name: "placement_facts",
                columns: table => new
                {
                    placement_id = table.Column<Guid>(type: "uuid", nullable: false),
                    kind = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: true),
                    school_urn = table.Column<string>(type: "character varying(6)", maxLength: 6, nullable: true),
                    phase_group = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: true),
                    started_on = table.Column<DateOnly>(type: "date", nullable: true),
                    ended_on = table.Column<DateOnly>(type: "date", nullable: true),
                    outcome = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_placement_facts", x => x.placement_id);
                });

            migrationBuilder.CreateTable(
                name: "prevention_counts",
                columns: table => new
                {
                    school_year_start = table.Column<int>(type: "integer", nullable: false),
                    school_urn = table.Column<string>(type: "character varying(6)", maxLength: 6, nullable: false),
                    phase_group = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false),
                    term = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    meetings = table.Column<int>(type: "integer", nullable: false),
                    followed = table.Column<int>(type: "integer", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_prevention_counts", x => new { x.school_year_start, x.school_urn, x.phase_group, x.term });
                });

            migrationBuilder.CreateTable(
                name: "prevention_meetings",
                columns: table => new
                {
                    meeting_id = table.Column<Guid>(type: "uuid", nullable: false),
                    held = table.Column<bool>(type: "boolean", nullable: false),
                    followed = table.Column<bool>(type: "boolean", nullable: false),
                    school_year_start = table.Column<int>(type: "integer", nullable: false),
                    term = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    school_urn = table.Column<string>(type: "character varying(6)", maxLength: 6, nullable: false),
                    phase_group = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_prevention_meetings", x => x.meeting_id);
                });

            migrationBuilder.CreateTable(
                name: "producer_positions",
                columns: table => new
                {
                    producer = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false),
                    applied_through = table.Column<long>(type: "bigint", nullable: false),
                    latest_sequence = table.Column<long>(type: "bigint", nullable: false),
                    latest_occurred_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_producer_positions", x => x.producer);
                });

            migrationBuilder.CreateTable(
                name: "provider_places",
                columns: table => new
                {
                    provider_id = table.Column<Guid>(type: "uuid", nullable: false),
                    display_name = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    registered_school = table.Column<bool>(type: "boolean", nullable: false),
                    capacity = table.Column<int>(type: "integer", nullable: false),
                    occupied = table.Column<int>(type: "integer", nullable: false),
                    source_sequence = table.Column<long>(type: "bigint", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_provider_places", x => x.provider_id);
                });

            migrationBuilder.CreateTable(
                name: "rebuilds",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    state = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    requested_by = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    started_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    finished_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    replayed = table.Column<string>(type: "jsonb", nullable: false),
                    error = table.Column<string>(type: "character varying(2000)", maxLength: 2000, nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_rebuilds", x => x.id);
                });

            migrationBuilder.CreateTable(
                name: "referral_facts",
                columns: table => new
                {
                    referral_id = table.Column<Guid>(type: "uuid", nullable: false),
                    school_urn = table.Column<string>(type: "character varying(6)", maxLength: 6, nullable: true),
                    phase_group = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: true),
                    submitted_on = table.Column<DateOnly>(type: "date", nullable: true),
                    accepted_on = table.Column<DateOnly>(type: "date", nullable: true),
                    declined_on = table.Column<DateOnly>(type: "date", nullable: true),
                    officer = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: true),
                    officer_sequence = table.Column<long>(type: "bigint", nullable: false, defaultValueSql: "0"),
                    seconds_to_first_contact = table.Column<long>(type: "bigint", nullable: true),
                    closed = table.Column<bool>(type: "boolean", nullable: false, defaultValueSql: "false")
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_referral_facts", x => x.referral_id);
                });

            migrationBuilder.CreateTable(
                name: "school_rolls",
                columns: table => new
                {
                    school_year_start = table.Column<int>(type: "integer", nullable: false),
                    school_urn = table.Column<string>(type: "character varying(6)", maxLength: 6, nullable: false),
                    pupils = table.Column<int>(type: "integer", nullable: false),
                    recorded_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    recorded_by = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_school_rolls", x => new { x.school_year_start, x.school_urn });
                });

            migrationBuilder.CreateTable(
                name: "sixth_day_duties",
                columns: table => new
                {
                    exclusion_id = table.Column<Guid>(type: "uuid", nullable: false),
                    owed = table.Column<bool>(type: "boolean", nullable: false, defaultValueSql: "false"),
                    due = table.Column<DateOnly>(type: "date", nullable: true),
                    school_year_start = table.Column<int>(type: "integer", nullable: true),
                    term = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: true),
                    holder = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: true),
                    arranged = table.Column<bool>(type: "boolean", nullable: false, defaultValueSql: "false"),
                    missed = table.Column<bool>(type: "boolean", nullable: false, defaultValueSql: "false"),
                    school_urn = table.Column<string>(type: "character varying(6)", maxLength: 6, nullable: true),
                    phase_group = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_sixth_day_duties", x => x.exclusion_id);
                });

            migrationBuilder.CreateTable(
                name: "roll_groups",
                columns: table => new
                {
                    school_year_start = table.Column<int>(type: "integer", nullable: false),
                    school_urn = table.Column<string>(type: "character varying(6)", nullable: false),
                    characteristic = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false),
                    group_value = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: false),
                    pupils = table.Column<int>(type: "integer", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_roll_groups", x => new { x.school_year_start, x.school_urn, x.characteristic, x.group_value });
                    table.ForeignKey(
                        name: "fk_roll_groups_school_rolls_school_year_start_school_urn",
                        columns: x => new { x.school_year_start, x.school_urn },
                        principalTable: "school_rolls",
                        principalColumns: new[] { "school_year_start", "school_urn" },
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "ix_exclusion_counts_school_year_start_dimension_school_urn",
                table: "exclusion_counts",
                columns: new[] { "school_year_start", "dimension", "school_urn" })
                .Annotation("Npgsql:IndexInclude", new[] { "phase_group", "term", "kind", "exclusions" });

            migrationBuilder.CreateIndex(
                name: "ix_exclusion_facts_school_year_start_pupil_id",
                table: "exclusion_facts",
                columns: new[] { "school_year_start", "pupil_id" },
                filter: "recorded");

            migrationBuilder.CreateIndex(
                name: "ix_rebuilds_one_running",
                table: "rebuilds",
                column: "state",
                unique: true,
                filter: "state = 'Running'");

            migrationBuilder.CreateIndex(
                name: "ix_sixth_day_duties_school_year_start",
                table: "sixth_day_duties",
                column: "school_year_start");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "applied_events");

            migrationBuilder.DropTable(
                name: "exclusion_counts");

            migrationBuilder.DropTable(
                name: "exclusion_facts");

            migrationBuilder.DropTable(
                name: "overdue_timetable_reviews");

            migrationBuilder.DropTable(
                name: "panel_case_facts");

            migrationBuilder.DropTable(
                name: "part_time_timetable_facts");

            migrationBuilder.DropTable(
                name: "placement_facts");

            migrationBuilder.DropTable(
                name: "prevention_counts");

            migrationBuilder.DropTable(
                name: "prevention_meetings");

            migrationBuilder.DropTable(
                name: "producer_positions");

            migrationBuilder.DropTable(
                name: "provider_places");

            migrationBuilder.DropTable(
                name: "rebuilds");

            migrationBuilder.DropTable(
                name: "referral_facts");

            migrationBuilder.DropTable(
                name: "roll_groups");

            migrationBuilder.DropTable(
                name: "sixth_day_duties");

            migrationBuilder.DropTable(
                name: "school_rolls");

            migrationBuilder.CreateTable(
                name: "meeting_outcomes",
                columns: table => new
                {
                    meeting_id = table.Column<Guid>(type: "uuid", nullable: false),
                    followed_by_permanent_exclusion = table.Column<bool>(type: "boolean", nullable: false),
                    phase = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false),
                    school_year_start = table.Column<int>(type: "integer", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_meeting_outcomes", x => x.meeting_id);
                });

            migrationBuilder.CreateIndex(
                name: "ix_meeting_outcomes_school_year_start",
                table: "meeting_outcomes",
                column: "school_year_start");
        }
    }
}
