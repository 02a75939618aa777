using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace InclusionServices.Reporting.Storage.Migrations
{
    /// <inheritdoc />
    public partial class ExclusionCountsCoveringIndex : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateIndex(
                name: "ix_exclusion_counts_school_year_start_school_urn",
                table: "exclusion_counts",
                columns: new[] { "school_year_start", "school_urn" })
                .Annotation("Npgsql:IndexInclude", new[] { "dimension", "group_value", "kind", "phase_group", "term", "exclusions" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "ix_exclusion_counts_school_year_start_school_urn",
                table: "exclusion_counts");
        }
    }
}
