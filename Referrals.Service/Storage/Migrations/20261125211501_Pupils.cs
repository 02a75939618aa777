using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace InclusionServices.Referrals.Storage.Migrations
{
    /// <inheritdoc />
    public partial class Pupils : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "pupils",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    upn = table.Column<string>(type: "character varying(13)", maxLength: 13, nullable: false),
                    given_name = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: false),
                    family_name = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: false),
                    date_of_birth = table.Column<DateOnly>(type: "date", nullable: false),
                    sex = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    year_group = table.Column<int>(type: "integer", nullable: false),
                    school_urn = table.Column<string>(type: "character varying(6)", maxLength: 6, nullable: false),
                    sen_status = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    free_school_meals = table.Column<bool>(type: "boolean", nullable: false),
                    looked_after = table.Column<bool>(type: "boolean", nullable: false),
                    child_in_need = table.Column<bool>(type: "boolean", nullable: false),
                    child_protection = table.Column<bool>(type: "boolean", nullable: false),
                    create_request_id = table.Column<Guid>(type: "uuid", nullable: true),
                    created_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    xmin = table.Column<uint>(type: "xid", rowVersion: true, nullable: false),
                    profile = table.Column<string>(type: "jsonb", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_pupils", x => x.id);
                });

            migrationBuilder.CreateTable(
                name: "pupil_school_spells",
                columns: table => new
                {
                    pupil_id = table.Column<Guid>(type: "uuid", nullable: false),
                    school_urn = table.Column<string>(type: "character varying(6)", maxLength: 6, nullable: false),
                    from = table.Column<DateOnly>(type: "date", nullable: false),
                    to = table.Column<DateOnly>(type: "date", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_pupil_school_spells", x => new { x.pupil_id, x.from, x.school_urn });
                    table.ForeignKey(
                        name: "fk_pupil_school_spells_pupils_pupil_id",
                        column: x => x.pupil_id,
                        principalTable: "pupils",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "ix_pupils_create_request_id",
                table: "pupils",
                column: "create_request_id",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_pupils_school_urn_family_name_id",
                table: "pupils",
                columns: new[] { "school_urn", "family_name", "id" });

            migrationBuilder.CreateIndex(
                name: "ix_pupils_upn",
                table: "pupils",
                column: "upn",
                unique: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "pupil_school_spells");

            migrationBuilder.DropTable(
                name: "pupils");
        }
    }
}
