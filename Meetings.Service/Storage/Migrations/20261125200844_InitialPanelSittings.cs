using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace InclusionServices.Meetings.Storage.Migrations
{
    /// <inheritdoc />
    public partial class InitialPanelSittings : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "panel_sittings",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    phase = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    cut_off_date = table.Column<DateOnly>(type: "date", nullable: false),
                    meeting_date = table.Column<DateOnly>(type: "date", nullable: false),
                    create_request_id = table.Column<Guid>(type: "uuid", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_panel_sittings", x => x.id);
                });

            migrationBuilder.CreateIndex(
                name: "ix_panel_sittings_create_request_id",
                table: "panel_sittings",
                column: "create_request_id",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_panel_sittings_phase_meeting_date",
                table: "panel_sittings",
                columns: new[] { "phase", "meeting_date" },
                unique: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "panel_sittings");
        }
    }
}
