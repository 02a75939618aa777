using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace InclusionServices.Reporting.Storage.Migrations
{
    /// <inheritdoc />
    public partial class AppliedAt : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<DateTimeOffset>(
                name: "applied_at",
                table: "applied_events",
                type: "timestamp with time zone",
                nullable: false,
                defaultValueSql: "clock_timestamp()");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "applied_at",
                table: "applied_events");
        }
    }
}
