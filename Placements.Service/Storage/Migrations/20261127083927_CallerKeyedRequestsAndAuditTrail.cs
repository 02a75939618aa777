using System;
using Microsoft.EntityFrameworkCore.Migrations;
using Npgsql.EntityFrameworkCore.PostgreSQL.Metadata;

#nullable disable

namespace InclusionServices.Placements.Storage.Migrations
{
    /// <inheritdoc />
    public partial class CallerKeyedRequestsAndAuditTrail : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "ix_providers_create_request_id",
                table: "providers");

            migrationBuilder.DropColumn(
                name: "create_request_id",
                table: "providers");

            migrationBuilder.CreateTable(
                name: "audit_entries",
                columns: table => new
                {
                    id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityAlwaysColumn),
                    at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    user = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    role = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: false),
                    school_urn = table.Column<string>(type: "character varying(6)", maxLength: 6, nullable: true),
                    action = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    resource = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    pupil_id = table.Column<Guid>(type: "uuid", nullable: true),
                    rpc = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    trace_id = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_audit_entries", x => x.id);
                });

            migrationBuilder.CreateTable(
                name: "idempotent_requests",
                columns: table => new
                {
                    caller = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    resource_type = table.Column<string>(type: "character varying(50)", maxLength: 50, nullable: false),
                    request_id = table.Column<Guid>(type: "uuid", nullable: false),
                    resource_id = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: false),
                    created_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_idempotent_requests", x => new { x.caller, x.resource_type, x.request_id });
                });

            migrationBuilder.CreateIndex(
                name: "ix_audit_entries_pupil_id_id",
                table: "audit_entries",
                columns: new[] { "pupil_id", "id" });

            migrationBuilder.CreateIndex(
                name: "ix_audit_entries_user_id",
                table: "audit_entries",
                columns: new[] { "user", "id" });

            // The audit trail takes inserts only.
            migrationBuilder.Sql(InclusionServices.ServiceDefaults.AuditTrail.AppendOnlySql);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "audit_entries");

            migrationBuilder.DropTable(
                name: "idempotent_requests");

            migrationBuilder.AddColumn<Guid>(
                name: "create_request_id",
                table: "providers",
                type: "uuid",
                nullable: true);

            migrationBuilder.CreateIndex(
                name: "ix_providers_create_request_id",
                table: "providers",
                column: "create_request_id",
                unique: true);
        }
    }
}
