using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace InclusionServices.Referrals.Storage.Migrations
{
    /// <inheritdoc />
    public partial class ExclusionNotificationDuties : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "notification_duties",
                columns: table => new
                {
                    exclusion_id = table.Column<Guid>(type: "uuid", nullable: false),
                    recipient = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false),
                    due = table.Column<DateOnly>(type: "date", nullable: false),
                    told_on = table.Column<DateOnly>(type: "date", nullable: true),
                    method = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: true),
                    told_by = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: true),
                    missed_reported_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_notification_duties", x => new { x.exclusion_id, x.recipient });
                });

            migrationBuilder.CreateIndex(
                name: "ix_notification_duties_open",
                table: "notification_duties",
                column: "due",
                filter: "told_on IS NULL AND missed_reported_at IS NULL");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "notification_duties");
        }
    }
}
