using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace InclusionServices.Referrals.Storage.Migrations
{
    /// <inheritdoc />
    public partial class PupilDuplicatesAwaitingTheTeam : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "ix_pupils_upn",
                table: "pupils");

            migrationBuilder.AddColumn<Guid>(
                name: "duplicate_of",
                table: "pupils",
                type: "uuid",
                nullable: true);

            migrationBuilder.AddColumn<Guid>(
                name: "merged_into",
                table: "pupils",
                type: "uuid",
                nullable: true);

            migrationBuilder.CreateIndex(
                name: "ix_pupils_duplicate_of",
                table: "pupils",
                column: "duplicate_of",
                filter: "duplicate_of IS NOT NULL AND merged_into IS NULL");

            migrationBuilder.CreateIndex(
                name: "ix_pupils_upn",
                table: "pupils",
                column: "upn",
                unique: true,
                filter: "duplicate_of IS NULL");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "ix_pupils_duplicate_of",
                table: "pupils");

            migrationBuilder.DropIndex(
                name: "ix_pupils_upn",
                table: "pupils");

            migrationBuilder.DropColumn(
                name: "duplicate_of",
                table: "pupils");

            migrationBuilder.DropColumn(
                name: "merged_into",
                table: "pupils");

            migrationBuilder.CreateIndex(
                name: "ix_pupils_upn",
                table: "pupils",
                column: "upn",
                unique: true);
        }
    }
}
