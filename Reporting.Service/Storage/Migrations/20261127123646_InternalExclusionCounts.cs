using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace InclusionServices.Reporting.Storage.Migrations
{
    /// <inheritdoc />
    public partial class InternalExclusionCounts : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "internal_exclusion_counts",
                columns: table => new
                {
                    school_year_start = table.Column<int>(type: "integer", nullable: false),
                    school_urn = table.Column<string>(type: "character varying(6)", maxLength: 6, nullable: false),
                    phase_group = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false),
                    term = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    kind = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false),
                    records = table.Column<int>(type: "integer", nullable: false),
                    sessions = table.Column<int>(type: "integer", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_internal_exclusion_counts", x => new { x.school_year_start, x.school_urn, x.phase_group, x.term, x.kind });
                });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "internal_exclusion_counts");
        }
    }
}
