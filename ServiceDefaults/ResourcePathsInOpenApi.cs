using System.Text;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Grpc.JsonTranscoding;
using Microsoft.AspNetCore.Mvc.ApiExplorer;
using Microsoft.AspNetCore.Mvc.ModelBinding;

namespace InclusionServices.ServiceDefaults;

/// <summary>
/// Our HTTP rules bind whole resource names (<c>GET /v1/{name=schools/*}</c>), which the OpenAPI generator writes as
/// <c>/v1/{name}</c>: every "get one" of a service then lands on the same path and the document cannot be made. This
/// writes such a variable out segment by segment (<c>/v1/schools/{name}</c>, <c>/v1/meetings/{name}/actions/{name1}</c>),
/// which is also the URL a caller builds: the resource's id in place of each wildcard.
/// </summary>
internal sealed partial class ResourcePathsInOpenApi : IApiDescriptionProvider
{
    // After the gRPC description provider (-900) has added its descriptions.
    public int Order => -800;

    public void OnProvidersExecuting(ApiDescriptionProviderContext context)
    {
    }

    public void OnProvidersExecuted(ApiDescriptionProviderContext context)
    {
        foreach (var description in context.Results)
        {
            var rule = description.ActionDescriptor.EndpointMetadata.OfType<GrpcJsonTranscodingMetadata>().FirstOrDefault()?.HttpRule;
            var pattern = rule?.PatternCase switch
            {
                Google.Api.HttpRule.PatternOneofCase.Get => rule.Get,
                Google.Api.HttpRule.PatternOneofCase.Post => rule.Post,
                Google.Api.HttpRule.PatternOneofCase.Patch => rule.Patch,
                Google.Api.HttpRule.PatternOneofCase.Put => rule.Put,
                Google.Api.HttpRule.PatternOneofCase.Delete => rule.Delete,
                _ => null,
            };
            if (pattern is null || !pattern.Contains('='))
            {
                continue;
            }
            description.RelativePath = Expand(pattern.TrimStart('/'), out var added);
            foreach (var (extra, variable) in added)
            {
                var first = description.ParameterDescriptions.FirstOrDefault(p => p.Source == BindingSource.Path && p.Name == variable);
                description.ParameterDescriptions.Add(new ApiParameterDescription
                {
                    Name = extra, Source = BindingSource.Path, ModelMetadata = first?.ModelMetadata!, Type = typeof(string), DefaultValue = string.Empty,
                });
            }
        }
    }

    /// <summary>"v1/{name=meetings/*/actions/*}:complete" → "v1/meetings/{name}/actions/{name1}:complete".</summary>
    internal static string Expand(string pattern, out List<(string Parameter, string Variable)> added)
    {
        var extras = new List<(string, string)>();
        var path = Variable().Replace(pattern, match =>
        {
            var variable = ToJsonName(match.Groups["field"].Value);
            var occurrence = 0;
            var segments = match.Groups["segments"].Value.Split('/').Select(segment =>
            {
                if (segment is not ("*" or "**"))
                {
                    return segment;
                }
                var name = occurrence == 0 ? variable : variable + occurrence;
                if (occurrence > 0)
                {
                    extras.Add((name, variable));
                }
                occurrence++;
                return "{" + name + "}";
            });
            return string.Join('/', segments);
        });
        added = extras;
        return path;
    }

    // "panel_sitting.name" is "panelSitting.name" in the JSON names the generator uses for parameters.
    private static string ToJsonName(string field)
    {
        var name = new StringBuilder(field.Length);
        var upper = false;
        foreach (var c in field)
        {
            if (c == '_')
            {
                upper = true;
                continue;
            }
            name.Append(upper ? char.ToUpperInvariant(c) : c);
            upper = false;
        }
        return name.ToString();
    }

    [GeneratedRegex(@"\{(?<field>[a-z_.]+)=(?<segments>[^}]+)\}")]
    private static partial Regex Variable();
}
