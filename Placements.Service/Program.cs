using InclusionServices.EventBus;
using InclusionServices.Placements.Providers;
using InclusionServices.Placements.Storage;
using InclusionServices.ServiceDefaults;

if (Storage.IsMigrationStep(args))
{
    await Storage.RunMigrationStepAsync<PlacementsDatabase>(args, PlacementsDatabase.ConnectionName);
    return;
}

var builder = WebApplication.CreateBuilder(args);
builder.AddServiceDefaults();
builder.AddServiceDatabase<PlacementsDatabase>(PlacementsDatabase.ConnectionName);
builder.AddEventBus<PlacementsDatabase>();

var app = builder.Build();
app.MapDefaultEndpoints();
app.MapGrpcService<EventHistoryApi<PlacementsDatabase>>();
app.MapGrpcService<ProvidersApi>();
await app.RunAsync();
