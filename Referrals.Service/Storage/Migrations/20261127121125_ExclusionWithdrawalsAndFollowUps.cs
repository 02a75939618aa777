using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace InclusionServices.Referrals.Storage.Migrations
{
    /// <inheritdoc />
    public partial class ExclusionWithdrawalsAndFollowUps : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<Guid>(
                name: "follows_id",
                table: "exclusions",
                type: "uuid",
                nullable: true);

            migrationBuilder.AddColumn<int>(
                name: "sessions_served",
                table: "exclusions",
                type: "integer",
                nullable: false,
                defaultValue: 0);

            migrationBuilder.AddColumn<string>(
                name: "withdrawal_reason",
                table: "exclusions",
                type: "text",
                nullable: true);

            migrationBuilder.AddColumn<DateOnly>(
                name: "withdrawn_on",
                table: "exclusions",
                type: "date",
                nullable: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "follows_id",
                table: "exclusions");

            migrationBuilder.DropColumn(
                name: "sessions_served",
                table: "exclusions");

            migrationBuilder.DropColumn(
                name: "withdrawal_reason",
                table: "exclusions");

            migrationBuilder.DropColumn(
                name: "withdrawn_on",
                table: "exclusions");
        }
    }
}
