using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace InclusionServices.Referrals.Storage.Migrations
{
    /// <inheritdoc />
    public partial class ExclusionBoardNoticeAndWatch : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<DateOnly>(
                name: "board_notified_on",
                table: "exclusions",
                type: "date",
                nullable: false,
                defaultValue: new DateOnly(1, 1, 1));

            migrationBuilder.AddColumn<bool>(
                name: "owes_board_meeting",
                table: "exclusions",
                type: "boolean",
                nullable: false,
                defaultValue: false);

            // Records made before this change: the board was told on the first day (the default the regulations'
            // record needs), and a board meeting is owed where the rules owed one then (permanent; over 15 days
            // suspended in the term; a public examination missed; over 5 days with representations).
            migrationBuilder.Sql("""
                UPDATE exclusions SET board_notified_on = start_date,
                  owes_board_meeting = kind = 'PermanentExclusion'
                    OR sessions_suspended_this_term_before + sessions > 30
                    OR public_exam_missed IS NOT NULL
                    OR (parents_made_representations AND sessions_suspended_this_term_before + sessions > 10);
                """);

            migrationBuilder.AddColumn<int>(
                name: "run_sessions_before",
                table: "exclusions",
                type: "integer",
                nullable: false,
                defaultValue: 0);

            migrationBuilder.AddColumn<DateOnly>(
                name: "run_started_on",
                table: "exclusions",
                type: "date",
                nullable: true);

            migrationBuilder.CreateIndex(
                name: "ix_exclusions_awaiting_board",
                table: "exclusions",
                column: "start_date",
                filter: "owes_board_meeting AND board_decision IS NULL");

            migrationBuilder.CreateIndex(
                name: "ix_exclusions_awaiting_panel",
                table: "exclusions",
                column: "irp_applied",
                filter: "irp_applied IS NOT NULL AND irp_decision IS NULL");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "ix_exclusions_awaiting_board",
                table: "exclusions");

            migrationBuilder.DropIndex(
                name: "ix_exclusions_awaiting_panel",
                table: "exclusions");

            migrationBuilder.DropColumn(
                name: "board_notified_on",
                table: "exclusions");

            migrationBuilder.DropColumn(
                name: "owes_board_meeting",
                table: "exclusions");

            migrationBuilder.DropColumn(
                name: "run_sessions_before",
                table: "exclusions");

            migrationBuilder.DropColumn(
                name: "run_started_on",
                table: "exclusions");
        }
    }
}
