using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace InclusionServices.Referrals.Storage.Migrations
{
    /// <inheritdoc />
    public partial class SchoolContactDetails : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "address",
                table: "schools",
                type: "character varying(500)",
                maxLength: 500,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "dsl_email",
                table: "schools",
                type: "character varying(254)",
                maxLength: 254,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "dsl_name",
                table: "schools",
                type: "character varying(100)",
                maxLength: 100,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "dsl_telephone",
                table: "schools",
                type: "character varying(11)",
                maxLength: 11,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "head_teacher",
                table: "schools",
                type: "character varying(100)",
                maxLength: 100,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "laestab",
                table: "schools",
                type: "character varying(7)",
                maxLength: 7,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "sendco",
                table: "schools",
                type: "character varying(100)",
                maxLength: 100,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "telephone",
                table: "schools",
                type: "character varying(11)",
                maxLength: 11,
                nullable: true);

            migrationBuilder.CreateIndex(
                name: "ix_schools_phase",
                table: "schools",
                column: "phase");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "ix_schools_phase",
                table: "schools");

            migrationBuilder.DropColumn(
                name: "address",
                table: "schools");

            migrationBuilder.DropColumn(
                name: "dsl_email",
                table: "schools");

            migrationBuilder.DropColumn(
                name: "dsl_name",
                table: "schools");

            migrationBuilder.DropColumn(
                name: "dsl_telephone",
                table: "schools");

            migrationBuilder.DropColumn(
                name: "head_teacher",
                table: "schools");

            migrationBuilder.DropColumn(
                name: "laestab",
                table: "schools");

            migrationBuilder.DropColumn(
                name: "sendco",
                table: "schools");

            migrationBuilder.DropColumn(
                name: "telephone",
                table: "schools");
        }
    }
}
