using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.StaticFiles;
using Microsoft.Extensions.FileProviders;
using Microsoft.Net.Http.Headers;

namespace Tollgate.Ui;

/// <summary>
/// Serves the web UI from files embedded in the assembly, so it is the same from the repo root, the project folder or
/// a publish folder, and needs no Node build step.
/// <code>
/// GET /                      302 → /ui/
/// GET /ui/{route}            index.html (SPA fallback for paths without an extension), no-cache
/// GET /ui/v/{hash}/{file}    an asset, cached for a year: the hash covers every embedded file, so a new build has new URLs
/// GET /ui/{file}             a root file (favicon), short cache
/// </code>
/// </summary>
internal static class UiEndpoints
{
    public const string BasePath = "/ui";

    // No inline script or style anywhere: the app sets styles through the CSSOM (element.style), which CSP allows.
    private const string ContentSecurityPolicy =
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; font-src 'self'; " +
        "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

    private const string VersionPlaceholder = "__ASSET_BASE__";

    public static IEndpointRouteBuilder MapUi(this IEndpointRouteBuilder endpoints)
    {
        var files = new UiFiles(new ManifestEmbeddedFileProvider(typeof(UiEndpoints).Assembly, "Ui/wwwroot"));

        // GET and HEAD alike: uptime checks and link previews probe with HEAD.
        string[] methods = [HttpMethods.Get, HttpMethods.Head];
        endpoints.MapMethods("/", methods, () => Results.Redirect(BasePath + "/")).ExcludeFromDescription();

        var group = endpoints.MapGroup(BasePath).ExcludeFromDescription();
        group.MapMethods("/v/{version}/{**path}", methods, (HttpContext context, string version, string path) =>
        {
            // An old page may still ask for an old hash: serve today's file but do not let it be cached as that version.
            var immutable = string.Equals(version, files.Version, StringComparison.Ordinal);
            return files.ServeAsync(context, path, immutable ? "public, max-age=31536000, immutable" : "no-cache");
        });
        group.MapMethods("/{**path}", methods, (HttpContext context, string? path) =>
        {
            path ??= string.Empty;
            if (!context.Request.Path.Value!.StartsWith(BasePath + "/", StringComparison.Ordinal))
            {
                // "/ui" → "/ui/", so the page's relative URLs resolve under the UI.
                context.Response.Redirect(BasePath + "/");
                return Task.CompletedTask;
            }

            if (Path.HasExtension(path) && !path.EndsWith(".html", StringComparison.OrdinalIgnoreCase))
            {
                return files.ServeAsync(context, path, "public, max-age=3600");
            }

            return files.ServeIndexAsync(context);
        });
        return endpoints;
    }

    private sealed class UiFiles
    {
        private static readonly FileExtensionContentTypeProvider ContentTypes = new();
        private readonly IFileProvider _provider;
        private readonly byte[] _index;

        public UiFiles(IFileProvider provider)
        {
            _provider = provider;
            Version = ComputeVersion(provider);
            var template = ReadAll(provider.GetFileInfo("index.html"));
            _index = Encoding.UTF8.GetBytes(Encoding.UTF8.GetString(template).Replace(VersionPlaceholder, $"{BasePath}/v/{Version}", StringComparison.Ordinal));
        }

        public string Version { get; }

        public async Task ServeIndexAsync(HttpContext context)
        {
            SetSecurityHeaders(context.Response);
            context.Response.Headers.CacheControl = "no-cache";
            context.Response.ContentType = "text/html; charset=utf-8";
            context.Response.ContentLength = _index.Length;
            await context.Response.Body.WriteAsync(_index, context.RequestAborted).ConfigureAwait(false);
        }

        public async Task ServeAsync(HttpContext context, string path, string cacheControl)
        {
            var file = path.Contains("..", StringComparison.Ordinal) ? null : _provider.GetFileInfo(path);
            SetSecurityHeaders(context.Response);
            if (file is null || !file.Exists || file.IsDirectory || path.Equals("index.html", StringComparison.OrdinalIgnoreCase))
            {
                context.Response.StatusCode = StatusCodes.Status404NotFound;
                context.Response.ContentType = "text/plain; charset=utf-8";
                await context.Response.WriteAsync("Not found.", context.RequestAborted).ConfigureAwait(false);
                return;
            }

            context.Response.Headers.CacheControl = cacheControl;
            context.Response.ContentType = ContentTypes.TryGetContentType(path, out var type) ? AddCharset(type) : "application/octet-stream";
            context.Response.ContentLength = file.Length;
            var stream = file.CreateReadStream();
            await using (stream.ConfigureAwait(false))
            {
                await stream.CopyToAsync(context.Response.Body, context.RequestAborted).ConfigureAwait(false);
            }
        }

        private static string AddCharset(string type) =>
            type.StartsWith("text/", StringComparison.Ordinal) || type is "application/javascript" or "text/javascript" or "image/svg+xml"
                ? type + "; charset=utf-8"
                : type;

        private static void SetSecurityHeaders(HttpResponse response)
        {
            response.Headers.ContentSecurityPolicy = ContentSecurityPolicy;
            response.Headers.XContentTypeOptions = "nosniff";
            response.Headers.XFrameOptions = "DENY";
            response.Headers["Referrer-Policy"] = "no-referrer";
        }

        /// <summary>A hash of every embedded file: any change to any asset gives every asset a new URL.</summary>
        private static string ComputeVersion(IFileProvider provider)
        {
            using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
            var files = Enumerate(provider, string.Empty).ToList();
            if (files.Count == 0)
            {
                // A build without the embedded files would serve a blank page; fail at start instead.
                throw new InvalidOperationException("The web UI's embedded files are missing from the assembly.");
            }

            foreach (var (path, file) in files.OrderBy(f => f.Path, StringComparer.Ordinal))
            {
                hash.AppendData(Encoding.UTF8.GetBytes(path));
                hash.AppendData(ReadAll(file));
            }

            return Convert.ToHexStringLower(hash.GetHashAndReset())[..12];
        }

        private static IEnumerable<(string Path, IFileInfo File)> Enumerate(IFileProvider provider, string directory)
        {
            // The embedded manifest resolves the root as "/", not "".
            foreach (var entry in provider.GetDirectoryContents(directory.Length == 0 ? "/" : directory))
            {
                var path = directory.Length == 0 ? entry.Name : directory + "/" + entry.Name;
                if (entry.IsDirectory)
                {
                    foreach (var nested in Enumerate(provider, path))
                    {
                        yield return nested;
                    }
                }
                else
                {
                    yield return (path, entry);
                }
            }
        }

        private static byte[] ReadAll(IFileInfo file)
        {
            using var stream = file.CreateReadStream();
            using var memory = new MemoryStream();
            stream.CopyTo(memory);
            return memory.ToArray();
        }
    }
}
