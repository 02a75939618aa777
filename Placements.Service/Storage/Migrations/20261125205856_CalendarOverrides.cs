using System;
using System.Collections.Generic;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace InclusionServices.Placements.Storage.Migrations
{
    /// <inheritdoc />
    public partial class CalendarOverrides : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "calendar_overrides",
                columns: table => new
                {
                    school_urn = table.Column<string>(type: "character varying(6)", maxLength: 6, nullable: false),
                    school_year_start = table.Column<int>(type: "integer", nullable: false),
                    terms_json = table.Column<string>(type: "jsonb", nullable: true),
                    inset_days = table.Column<List<DateOnly>>(type: "date[]", nullable: false),
                    source_sequence = table.Column<long>(type: "bigint", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_calendar_overrides", x => new { x.school_urn, x.school_year_start });
                });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "calendar_overrides");
        }
    }
}
