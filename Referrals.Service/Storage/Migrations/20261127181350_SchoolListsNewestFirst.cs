using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace InclusionServices.Referrals.Storage.Migrations
{
    /// <inheritdoc />
    public partial class SchoolListsNewestFirst : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "ix_exclusions_school_urn",
                table: "exclusions");

            migrationBuilder.CreateIndex(
                name: "ix_referrals_school_urn_id",
                table: "referrals",
                columns: new[] { "school_urn", "id" });

            migrationBuilder.CreateIndex(
                name: "ix_exclusions_school_urn_id",
                table: "exclusions",
                columns: new[] { "school_urn", "id" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "ix_referrals_school_urn_id",
                table: "referrals");

            migrationBuilder.DropIndex(
                name: "ix_exclusions_school_urn_id",
                table: "exclusions");

            migrationBuilder.CreateIndex(
                name: "ix_exclusions_school_urn",
                table: "exclusions",
                column: "school_urn");
        }
    }
}
