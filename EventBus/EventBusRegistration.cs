using MassTransit;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace InclusionServices.EventBus;

public static class EventBusRegistration
{
    /// <summary>The connection name services read the broker from (ConnectionStrings:rabbitmq).</summary>
    public const string ConnectionName = "rabbitmq";

    /// <summary>
    /// Connects the service to RabbitMQ through MassTransit, publishes its outbox, and registers its consumers
    /// (each on its own kebab-case queue, retried with back-off, then moved to that queue's _error queue).
    /// </summary>
    public static IHostApplicationBuilder AddEventBus<TDatabase>(
        this IHostApplicationBuilder builder, Action<IBusRegistrationConfigurator>? addConsumers = null)
        where TDatabase : ServiceDatabase
    {
        var connectionString = builder.Configuration.GetConnectionString(ConnectionName);
        if (string.IsNullOrWhiteSpace(connectionString))
        {
            throw new InvalidOperationException(
                $"ConnectionStrings:{ConnectionName} is not set: the service cannot reach the message broker.");
        }
        var options = builder.Configuration.GetSection(EventBusOptions.SectionName).Get<EventBusOptions>() ?? new EventBusOptions();
        builder.Services.Configure<EventBusOptions>(builder.Configuration.GetSection(EventBusOptions.SectionName));

        // Queues are named "<service>-<consumer>", so two services consuming the same event never share a queue.
        var queuePrefix = builder.Configuration["EventBus:QueuePrefix"]
            ?? builder.Environment.ApplicationName.Split('.')[0].ToLowerInvariant();

        builder.Services.AddMassTransit(bus =>
        {
            bus.SetEndpointNameFormatter(new KebabCaseEndpointNameFormatter(queuePrefix, includeNamespace: false));
            bus.AddConsumeObserver<DeadLetterObserver>();
            // A failed event goes to its queue's _error queue with the reason in its headers. MassTransit's Fault<T>
            // events are not published: they would add an exchange per interface of every protobuf message.
            bus.AddConfigureEndpointsCallback((_, _, endpoint) => endpoint.PublishFaults = false);
            addConsumers?.Invoke(bus);
            bus.UsingRabbitMq((context, rabbit) =>
            {
                rabbit.Host(new Uri(connectionString));
                rabbit.UseRawJsonSerializer(isDefault: true);
                rabbit.ConfigureJsonSerializerOptions(json =>
                {
                    json.Converters.Insert(0, new ProtobufJsonConverterFactory());
                    return json;
                });
                rabbit.MessageTopology.SetEntityNameFormatter(new EventExchangeNames(rabbit.MessageTopology.EntityNameFormatter));
                rabbit.UseMessageRetry(retry => retry.Intervals(options.RetryIntervals));
                rabbit.ConfigureEndpoints(context);
            });
        });
        // MassTransit registers its own bus health check, tagged "ready": readiness fails while the broker is down.

        builder.Services.AddSingleton<OutboxMetrics>();
        builder.Services.AddSingleton<OutboxWake>();
        builder.Services.ConfigureDbContext<TDatabase>((services, database) => database.AddInterceptors(services.GetRequiredService<OutboxWake>()));
        builder.Services.AddSingleton<DeadlineMetrics>();
        builder.Services.AddHealthChecks().AddCheck<OutboxBacklogHealthCheck>("outbox-backlog", tags: ["ready"]);
        if (EventCatalog.PublishedBy.TryGetValue(queuePrefix, out var published) && published.Count > 0)
        {
            builder.Services.AddHostedService(provider => ActivatorUtilities.CreateInstance<PublishedExchanges>(
                provider, connectionString, published));
        }
        if (options.DispatchEvents)
        {
            builder.Services.AddSingleton(_ => new ConfirmedPublisher(connectionString, $"{queuePrefix} outbox dispatcher", options.PublishTimeout));
            builder.Services.AddHostedService<OutboxDispatcher<TDatabase>>();
        }
        return builder;
    }
}
