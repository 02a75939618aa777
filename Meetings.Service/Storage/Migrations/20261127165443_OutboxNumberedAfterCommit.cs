using InclusionServices.EventBus;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace InclusionServices.Meetings.Storage.Migrations
{
    /// <summary>
    /// Outbox events are numbered by the dispatcher after their writer commits, not by writers in turn under a lock:
    /// the identity becomes a temporary countdown from -1 (numbers already given stay). Written by hand: EF cannot
    /// restart an identity below numbers already given.
    /// </summary>
    public partial class OutboxNumberedAfterCommit : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder) => migrationBuilder.Sql(OutboxSchema.NumberAfterCommit);

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder) => migrationBuilder.Sql(OutboxSchema.NumberAtInsert);
    }
}
