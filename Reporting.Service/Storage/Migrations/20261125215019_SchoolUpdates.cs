using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace InclusionServices.Reporting.Storage.Migrations
{
    /// <inheritdoc />
    public partial class SchoolUpdates : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<long>(
                name: "source_sequence",
                table: "schools",
                type: "bigint",
                nullable: false,
                defaultValue: 0L);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "source_sequence",
                table: "schools");
        }
    }
}
