using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace InclusionServices.Placements.Storage.Migrations
{
    /// <inheritdoc />
    public partial class PlacementsSixthDayAndTimetables : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "contact_email",
                table: "providers",
                type: "character varying(254)",
                maxLength: 254,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "contact_name",
                table: "providers",
                type: "character varying(100)",
                maxLength: 100,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "contact_telephone",
                table: "providers",
                type: "character varying(20)",
                maxLength: 20,
                nullable: true);

            migrationBuilder.AddColumn<DateOnly>(
                name: "last_quality_assurance_visit",
                table: "providers",
                type: "date",
                nullable: true);

            migrationBuilder.AddColumn<int>(
                name: "oldest_age",
                table: "providers",
                type: "integer",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "phases",
                table: "providers",
                type: "jsonb",
                nullable: false,
                defaultValue: "");

            migrationBuilder.AddColumn<string>(
                name: "urn",
                table: "providers",
                type: "character varying(6)",
                maxLength: 6,
                nullable: true);

            migrationBuilder.AddColumn<uint>(
                name: "xmin",
                table: "providers",
                type: "xid",
                rowVersion: true,
                nullable: false,
                defaultValue: 0u);

            migrationBuilder.AddColumn<int>(
                name: "youngest_age",
                table: "providers",
                type: "integer",
                nullable: true);

            migrationBuilder.CreateTable(
                name: "part_time_timetables",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    pupil_id = table.Column<Guid>(type: "uuid", nullable: false),
                    school_urn = table.Column<string>(type: "character varying(6)", maxLength: 6, nullable: false),
                    pupil = table.Column<string>(type: "jsonb", nullable: false),
                    hours_per_week = table.Column<decimal>(type: "numeric(5,2)", precision: 5, scale: 2, nullable: false),
                    full_time_hours_per_week = table.Column<decimal>(type: "numeric(5,2)", precision: 5, scale: 2, nullable: false),
                    reason = table.Column<string>(type: "character varying(2000)", maxLength: 2000, nullable: false),
                    start_date = table.Column<DateOnly>(type: "date", nullable: false),
                    planned_end = table.Column<DateOnly>(type: "date", nullable: false),
                    parents_agreed_on = table.Column<DateOnly>(type: "date", nullable: false),
                    review_every_days = table.Column<int>(type: "integer", nullable: false),
                    status = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    next_review_due = table.Column<DateOnly>(type: "date", nullable: false),
                    reviews = table.Column<string>(type: "jsonb", nullable: false),
                    ended_on = table.Column<DateOnly>(type: "date", nullable: true),
                    overdue_reported_for = table.Column<DateOnly>(type: "date", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_part_time_timetables", x => x.id);
                });

            migrationBuilder.CreateTable(
                name: "placements",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    kind = table.Column<string>(type: "character varying(40)", maxLength: 40, nullable: false),
                    pupil_id = table.Column<Guid>(type: "uuid", nullable: false),
                    school_urn = table.Column<string>(type: "character varying(6)", maxLength: 6, nullable: false),
                    pupil = table.Column<string>(type: "jsonb", nullable: false),
                    provider_id = table.Column<Guid>(type: "uuid", nullable: true),
                    start_date = table.Column<DateOnly>(type: "date", nullable: true),
                    end_date = table.Column<DateOnly>(type: "date", nullable: true),
                    full_time = table.Column<bool>(type: "boolean", nullable: false),
                    hours_per_week = table.Column<decimal>(type: "numeric(5,2)", precision: 5, scale: 2, nullable: true),
                    review_every_school_weeks = table.Column<int>(type: "integer", nullable: false),
                    status = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    reviews = table.Column<string>(type: "jsonb", nullable: false),
                    outcome = table.Column<string>(type: "character varying(40)", maxLength: 40, nullable: true),
                    withdrawn_reason = table.Column<string>(type: "character varying(1000)", maxLength: 1000, nullable: true),
                    source = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: true),
                    warnings = table.Column<string>(type: "jsonb", nullable: false),
                    xmin = table.Column<uint>(type: "xid", rowVersion: true, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_placements", x => x.id);
                    table.ForeignKey(
                        name: "fk_placements_providers_provider_id",
                        column: x => x.provider_id,
                        principalTable: "providers",
                        principalColumn: "id");
                });

            migrationBuilder.CreateTable(
                name: "sixth_day_requirements",
                columns: table => new
                {
                    exclusion_id = table.Column<Guid>(type: "uuid", nullable: false),
                    pupil_id = table.Column<Guid>(type: "uuid", nullable: false),
                    school_urn = table.Column<string>(type: "character varying(6)", maxLength: 6, nullable: false),
                    pupil = table.Column<string>(type: "jsonb", nullable: false),
                    holder = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    counted_from = table.Column<DateOnly>(type: "date", nullable: false),
                    due = table.Column<DateOnly>(type: "date", nullable: false),
                    met_by_placement_id = table.Column<Guid>(type: "uuid", nullable: true),
                    missed_reported_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_sixth_day_requirements", x => x.exclusion_id);
                });

            migrationBuilder.CreateIndex(
                name: "ix_providers_name_id",
                table: "providers",
                columns: new[] { "name", "id" });

            migrationBuilder.CreateIndex(
                name: "ix_part_time_timetables_school_urn_status",
                table: "part_time_timetables",
                columns: new[] { "school_urn", "status" });

            migrationBuilder.CreateIndex(
                name: "ix_part_time_timetables_status_next_review_due",
                table: "part_time_timetables",
                columns: new[] { "status", "next_review_due" });

            migrationBuilder.CreateIndex(
                name: "ix_placements_provider_id_status",
                table: "placements",
                columns: new[] { "provider_id", "status" });

            migrationBuilder.CreateIndex(
                name: "ix_placements_pupil_id_status",
                table: "placements",
                columns: new[] { "pupil_id", "status" });

            migrationBuilder.CreateIndex(
                name: "ix_placements_school_urn_start_date",
                table: "placements",
                columns: new[] { "school_urn", "start_date" });

            migrationBuilder.CreateIndex(
                name: "ix_sixth_day_requirements_open",
                table: "sixth_day_requirements",
                columns: new[] { "due", "exclusion_id" },
                filter: "met_by_placement_id IS NULL");

            migrationBuilder.CreateIndex(
                name: "ix_sixth_day_requirements_pupil_id",
                table: "sixth_day_requirements",
                column: "pupil_id");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "part_time_timetables");

            migrationBuilder.DropTable(
                name: "placements");

            migrationBuilder.DropTable(
                name: "sixth_day_requirements");

            migrationBuilder.DropIndex(
                name: "ix_providers_name_id",
                table: "providers");

            migrationBuilder.DropColumn(
                name: "contact_email",
                table: "providers");

            migrationBuilder.DropColumn(
                name: "contact_name",
                table: "providers");

            migrationBuilder.DropColumn(
                name: "contact_telephone",
                table: "providers");

            migrationBuilder.DropColumn(
                name: "last_quality_assurance_visit",
                table: "providers");

            migrationBuilder.DropColumn(
                name: "oldest_age",
                table: "providers");

            migrationBuilder.DropColumn(
                name: "phases",
                table: "providers");

            migrationBuilder.DropColumn(
                name: "urn",
                table: "providers");

            migrationBuilder.DropColumn(
                name: "xmin",
                table: "providers");

            migrationBuilder.DropColumn(
                name: "youngest_age",
                table: "providers");
        }
    }
}
