using Microsoft.Extensions.Configuration;
using MassTransit;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace InclusionServices.ServiceDefaults;

/// <summary>The RabbitMQ broker every service publishes to and consumes from, through MassTransit 8.</summary>
public static class EventBus
{
    public const string ConnectionName = "rabbitmq";

    /// <param name="configureConsumers">Registers the service's consumers; endpoints are named in kebab-case.</param>
    public static IHostApplicationBuilder AddEventBus(
        this IHostApplicationBuilder builder, Action<IBusRegistrationConfigurator>? configureConsumers = null)
    {
        var connectionString = builder.Configuration.GetConnectionString(ConnectionName);
        if (string.IsNullOrWhiteSpace(connectionString))
        {
            throw new InvalidOperationException(
                $"ConnectionStrings:{ConnectionName} is not set: the service cannot reach the message broker.");
        }

        builder.Services.AddMassTransit(bus =>
        {
            bus.SetKebabCaseEndpointNameFormatter();
            configureConsumers?.Invoke(bus);
            bus.UsingRabbitMq((context, rabbit) =>
            {
                rabbit.Host(new Uri(connectionString));
                rabbit.ConfigureEndpoints(context);
            });
        });
        // MassTransit registers its own bus health check, tagged "ready": readiness fails while the broker is down.
        return builder;
    }
}
