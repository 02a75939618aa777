using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace InclusionServices.Reporting.Storage.Migrations
{
    /// <inheritdoc />
    public partial class ExclusionWithdrawals : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string[]>(
                name: "counted_dimensions",
                table: "exclusion_facts",
                type: "text[]",
                nullable: true);

            migrationBuilder.AddColumn<string[]>(
                name: "counted_groups",
                table: "exclusion_facts",
                type: "text[]",
                nullable: true);

            migrationBuilder.AddColumn<string[]>(
                name: "counted_urns",
                table: "exclusion_facts",
                type: "text[]",
                nullable: true);

            migrationBuilder.AddColumn<bool>(
                name: "withdrawn",
                table: "exclusion_facts",
                type: "boolean",
                nullable: false,
                defaultValue: false);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "counted_dimensions",
                table: "exclusion_facts");

            migrationBuilder.DropColumn(
                name: "counted_groups",
                table: "exclusion_facts");

            migrationBuilder.DropColumn(
                name: "counted_urns",
                table: "exclusion_facts");

            migrationBuilder.DropColumn(
                name: "withdrawn",
                table: "exclusion_facts");
        }
    }
}
