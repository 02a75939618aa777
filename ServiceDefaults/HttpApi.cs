using Google.Protobuf.Reflection;
using Google.Rpc;
using Grpc.AspNetCore.Server;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Mvc.ApiExplorer;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.OpenApi.Models;
using Scalar.AspNetCore;

namespace InclusionServices.ServiceDefaults;

/// <summary>
/// The same API as HTTP/JSON, for browser front-ends that cannot speak gRPC: every RPC with a google.api.http rule in
/// its .proto is also served at that path (on either port; browsers use the HTTP/1.1 one), with the same tokens, the
/// same access policy and the same errors (google.rpc.Status as JSON). An OpenAPI document made from the protos is at
/// /openapi/v1.json and an API reference page at /scalar/v1, both open like gRPC reflection: they describe the API,
/// never its data.
/// </summary>
public static class HttpApi
{
    public const string OpenApiPath = "/openapi/v1.json";
    public const string ReferencePath = "/scalar/v1";

    public static IHostApplicationBuilder AddHttpApi(this IHostApplicationBuilder builder, IGrpcServerBuilder grpc)
    {
        // Errors carry google.rpc.BadRequest details; the JSON writer must know the type to print them.
        grpc.AddJsonTranscoding(options => options.TypeRegistry = TypeRegistry.FromMessages(BadRequest.Descriptor));
        builder.Services.AddGrpcSwagger();
        builder.Services.TryAddEnumerable(Microsoft.Extensions.DependencyInjection.ServiceDescriptor.Transient<IApiDescriptionProvider, ResourcePathsInOpenApi>());
        var service = builder.Environment.ApplicationName.Split('.')[0];
        builder.Services.AddSwaggerGen(options =>
        {
            options.SwaggerDoc("v1", new OpenApiInfo
            {
                Title = $"Inclusion Services: {service}",
                Version = "v1",
                Description = "The service's gRPC API as HTTP/JSON. Every call needs `Authorization: Bearer <token>`; " +
                    "who may call each is written in the .proto and in docs/security.md.",
            });
            var bearer = new OpenApiSecurityScheme
            {
                Type = SecuritySchemeType.Http, Scheme = "bearer", BearerFormat = "JWT",
                Reference = new OpenApiReference { Type = ReferenceType.SecurityScheme, Id = "bearer" },
            };
            options.AddSecurityDefinition("bearer", bearer);
            options.AddSecurityRequirement(new OpenApiSecurityRequirement { [bearer] = [] });
            // The protos' comments, carried into the generated code's XML documentation.
            var comments = Path.Combine(AppContext.BaseDirectory, builder.Environment.ApplicationName + ".xml");
            if (File.Exists(comments))
            {
                options.IncludeXmlComments(comments);
                options.IncludeGrpcXmlComments(comments, includeControllerXmlComments: false);
            }
        });
        return builder;
    }

    public static WebApplication MapHttpApiReference(this WebApplication app)
    {
        app.MapSwagger("/openapi/{documentName}.json").AllowAnonymous();
        app.MapScalarApiReference(options =>
        {
            options.WithOpenApiRoutePattern("/openapi/{documentName}.json");
            // The page is the service's own: no usage telemetry, AI chat or hosted tools that would send anything out.
            options.Telemetry = false;
            options.Agent = new ScalarAgentOptions { Disabled = true };
            options.ShowDeveloperTools = DeveloperToolsVisibility.Never;
            options.HideClientButton = true;
        }).AllowAnonymous();
        return app;
    }
}
