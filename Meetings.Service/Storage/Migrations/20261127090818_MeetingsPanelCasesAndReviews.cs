using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace InclusionServices.Meetings.Storage.Migrations
{
    /// <inheritdoc />
    public partial class MeetingsPanelCasesAndReviews : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AlterColumn<DateOnly>(
                name: "cut_off_date",
                table: "panel_sittings",
                type: "date",
                nullable: true,
                oldClrType: typeof(DateOnly),
                oldType: "date");

            migrationBuilder.AddColumn<uint>(
                name: "xmin",
                table: "panel_sittings",
                type: "xid",
                rowVersion: true,
                nullable: false,
                defaultValue: 0u);

            migrationBuilder.CreateTable(
                name: "accepted_referrals",
                columns: table => new
                {
                    referral_id = table.Column<Guid>(type: "uuid", nullable: false),
                    pupil = table.Column<string>(type: "jsonb", nullable: false),
                    open = table.Column<bool>(type: "boolean", nullable: false),
                    source_sequence = table.Column<long>(type: "bigint", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_accepted_referrals", x => x.referral_id);
                });

            migrationBuilder.CreateTable(
                name: "irp_reviews",
                columns: table => new
                {
                    exclusion_id = table.Column<Guid>(type: "uuid", nullable: false),
                    pupil_id = table.Column<Guid>(type: "uuid", nullable: false),
                    school_urn = table.Column<string>(type: "character varying(6)", maxLength: 6, nullable: false),
                    applied_on = table.Column<DateOnly>(type: "date", nullable: false),
                    panel_deadline = table.Column<DateOnly>(type: "date", nullable: true),
                    deadline_not_counted_reason = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: true),
                    meeting_id = table.Column<Guid>(type: "uuid", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_irp_reviews", x => x.exclusion_id);
                });

            migrationBuilder.CreateTable(
                name: "meetings",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    kind = table.Column<string>(type: "character varying(40)", maxLength: 40, nullable: false),
                    pupil_id = table.Column<Guid>(type: "uuid", nullable: false),
                    school_urn = table.Column<string>(type: "character varying(6)", maxLength: 6, nullable: false),
                    pupil = table.Column<string>(type: "jsonb", nullable: false),
                    slot = table.Column<string>(type: "jsonb", nullable: false),
                    meeting_date = table.Column<DateOnly>(type: "date", nullable: false),
                    lead_officer = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    attendees = table.Column<string>(type: "jsonb", nullable: false),
                    status = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    cancel_reason = table.Column<string>(type: "character varying(1000)", maxLength: 1000, nullable: true),
                    contributions = table.Column<string>(type: "jsonb", nullable: false),
                    outcome = table.Column<string>(type: "character varying(40)", maxLength: 40, nullable: true),
                    outcome_details = table.Column<string>(type: "character varying(4000)", maxLength: 4000, nullable: true),
                    exclusion_id = table.Column<Guid>(type: "uuid", nullable: true),
                    statutory_deadline = table.Column<DateOnly>(type: "date", nullable: true),
                    followed_by_exclusion_id = table.Column<Guid>(type: "uuid", nullable: true),
                    created_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    xmin = table.Column<uint>(type: "xid", rowVersion: true, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_meetings", x => x.id);
                });

            migrationBuilder.CreateTable(
                name: "panel_cases",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    source = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: false),
                    pupil_id = table.Column<Guid>(type: "uuid", nullable: false),
                    school_urn = table.Column<string>(type: "character varying(6)", maxLength: 6, nullable: false),
                    pupil = table.Column<string>(type: "jsonb", nullable: false),
                    phase = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    submitted_on = table.Column<DateOnly>(type: "date", nullable: false),
                    sitting_id = table.Column<Guid>(type: "uuid", nullable: false),
                    decision = table.Column<string>(type: "character varying(40)", maxLength: 40, nullable: true),
                    decision_notes = table.Column<string>(type: "character varying(4000)", maxLength: 4000, nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_panel_cases", x => x.id);
                    table.ForeignKey(
                        name: "fk_panel_cases_panel_sittings_sitting_id",
                        column: x => x.sitting_id,
                        principalTable: "panel_sittings",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "meeting_actions",
                columns: table => new
                {
                    meeting_id = table.Column<Guid>(type: "uuid", nullable: false),
                    number = table.Column<int>(type: "integer", nullable: false),
                    description = table.Column<string>(type: "character varying(1000)", maxLength: 1000, nullable: false),
                    owner = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    due_date = table.Column<DateOnly>(type: "date", nullable: false),
                    completed_on = table.Column<DateOnly>(type: "date", nullable: true),
                    overdue_reported_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_meeting_actions", x => new { x.meeting_id, x.number });
                    table.ForeignKey(
                        name: "fk_meeting_actions_meetings_meeting_id",
                        column: x => x.meeting_id,
                        principalTable: "meetings",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "ix_meeting_actions_awaiting_overdue",
                table: "meeting_actions",
                column: "due_date",
                filter: "completed_on IS NULL AND overdue_reported_at IS NULL");

            migrationBuilder.CreateIndex(
                name: "ix_meetings_meeting_date_id",
                table: "meetings",
                columns: new[] { "meeting_date", "id" });

            migrationBuilder.CreateIndex(
                name: "ix_meetings_pupil_id_meeting_date",
                table: "meetings",
                columns: new[] { "pupil_id", "meeting_date" });

            migrationBuilder.CreateIndex(
                name: "ix_meetings_school_urn_meeting_date",
                table: "meetings",
                columns: new[] { "school_urn", "meeting_date" });

            migrationBuilder.CreateIndex(
                name: "ix_panel_cases_sitting_id_id",
                table: "panel_cases",
                columns: new[] { "sitting_id", "id" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "accepted_referrals");

            migrationBuilder.DropTable(
                name: "irp_reviews");

            migrationBuilder.DropTable(
                name: "meeting_actions");

            migrationBuilder.DropTable(
                name: "panel_cases");

            migrationBuilder.DropTable(
                name: "meetings");

            migrationBuilder.DropColumn(
                name: "xmin",
                table: "panel_sittings");

            migrationBuilder.AlterColumn<DateOnly>(
                name: "cut_off_date",
                table: "panel_sittings",
                type: "date",
                nullable: false,
                defaultValue: new DateOnly(1, 1, 1),
                oldClrType: typeof(DateOnly),
                oldType: "date",
                oldNullable: true);
        }
    }
}
