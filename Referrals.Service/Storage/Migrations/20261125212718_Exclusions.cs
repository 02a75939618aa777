using System;
using System.Collections.Generic;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace InclusionServices.Referrals.Storage.Migrations
{
    /// <inheritdoc />
    public partial class Exclusions : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "exclusions",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    pupil_id = table.Column<Guid>(type: "uuid", nullable: false),
                    school_urn = table.Column<string>(type: "character varying(6)", maxLength: 6, nullable: false),
                    kind = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false),
                    start_date = table.Column<DateOnly>(type: "date", nullable: false),
                    sessions = table.Column<int>(type: "integer", nullable: false),
                    reason_codes = table.Column<List<string>>(type: "text[]", nullable: false),
                    details = table.Column<string>(type: "character varying(4000)", maxLength: 4000, nullable: true),
                    parents_made_representations = table.Column<bool>(type: "boolean", nullable: false),
                    public_exam_missed = table.Column<DateOnly>(type: "date", nullable: true),
                    board_decision = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: true),
                    board_decision_notified = table.Column<DateOnly>(type: "date", nullable: true),
                    irp_applied = table.Column<DateOnly>(type: "date", nullable: true),
                    irp_decision = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: true),
                    irp_decision_notified = table.Column<DateOnly>(type: "date", nullable: true),
                    sessions_suspended_this_term_before = table.Column<int>(type: "integer", nullable: false),
                    sessions_suspended_this_year_before = table.Column<int>(type: "integer", nullable: false),
                    create_request_id = table.Column<Guid>(type: "uuid", nullable: true),
                    recorded_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    xmin = table.Column<uint>(type: "xid", rowVersion: true, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_exclusions", x => x.id);
                    table.ForeignKey(
                        name: "fk_exclusions_pupils_pupil_id",
                        column: x => x.pupil_id,
                        principalTable: "pupils",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "missed_deadlines",
                columns: table => new
                {
                    exclusion_id = table.Column<Guid>(type: "uuid", nullable: false),
                    kind = table.Column<string>(type: "character varying(48)", maxLength: 48, nullable: false),
                    due = table.Column<DateOnly>(type: "date", nullable: false),
                    noticed_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_missed_deadlines", x => new { x.exclusion_id, x.kind });
                });

            migrationBuilder.CreateIndex(
                name: "ix_exclusions_create_request_id",
                table: "exclusions",
                column: "create_request_id",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_exclusions_pupil_id_start_date",
                table: "exclusions",
                columns: new[] { "pupil_id", "start_date" });

            migrationBuilder.CreateIndex(
                name: "ix_exclusions_school_urn",
                table: "exclusions",
                column: "school_urn");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "exclusions");

            migrationBuilder.DropTable(
                name: "missed_deadlines");
        }
    }
}
