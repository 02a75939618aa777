using Grpc.Core;
using InclusionServices.Bench.Bare;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Npgsql;

// dotnet Bench.Bare.dll <grpc port> <PostgreSQL connection string>: started and stopped by the benchmark.
var builder = WebApplication.CreateSlimBuilder(args);
builder.Logging.SetMinimumLevel(LogLevel.Warning);
builder.WebHost.ConfigureKestrel(kestrel => kestrel.ListenLocalhost(int.Parse(args[0], System.Globalization.CultureInfo.InvariantCulture),
    listen => listen.Protocols = HttpProtocols.Http2));
builder.Services.AddGrpc();
builder.Services.AddSingleton(NpgsqlDataSource.Create(args[1]));
var app = builder.Build();
app.MapGrpcService<BareRowsService>();
app.Run();

internal sealed class BareRowsService(NpgsqlDataSource database) : BareRows.BareRowsBase
{
    public override async Task<Row> GetRow(GetRowRequest request, ServerCallContext context)
    {
        await using var command = database.CreateCommand("SELECT body FROM bare_rows WHERE id = $1");
        command.Parameters.AddWithValue(request.Id);
        return await command.ExecuteScalarAsync(context.CancellationToken) is string body
            ? new Row { Id = request.Id, Body = body }
            : throw new RpcException(new Status(StatusCode.NotFound, "No such row."));
    }

    public override async Task<Row> InsertRow(InsertRowRequest request, ServerCallContext context)
    {
        await using var command = database.CreateCommand("INSERT INTO bare_rows (body) VALUES ($1) RETURNING id");
        command.Parameters.AddWithValue(request.Body);
        return new Row { Id = (long)(await command.ExecuteScalarAsync(context.CancellationToken))!, Body = request.Body };
    }
}
