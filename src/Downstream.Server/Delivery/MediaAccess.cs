using Downstream.Server.Api;
using Downstream.Server.Signing;

namespace Downstream.Server.Delivery;

/// <summary>
/// The access rules every media URL (downloads, thumbnails) keeps: a uid, or a signed token in its place; a
/// token of the video's own account; a signed token for a video that requires one; the video's <c>allowedOrigins</c>.
/// </summary>
public static class MediaAccess
{
    /// <summary>The video a media URL names: its uid as given, or the one a signed token in its place grants (verified).</summary>
    public static async Task<(string Uid, TokenGrant? Grant)> ResolveAsync(string uidOrToken, HttpRequest request, TokenVerifier tokens, CancellationToken cancellationToken)
    {
        if (Ids.IsValid(uidOrToken))
        {
            return (uidOrToken, null);
        }

        if (!uidOrToken.Contains('.', StringComparison.Ordinal))
        {
            throw ApiErrors.NotFound($"Video not found: {ApiErrors.Shorten(uidOrToken)}");
        }

        var grant = await tokens.VerifyAsync(uidOrToken, request.HttpContext, cancellationToken);
        return (grant.VideoUid, grant);
    }

    /// <summary>Refuses the request unless it may have the video's media; <paramref name="file"/> asks for a downloadable token.</summary>
    public static void Check(TokenGrant? grant, string accountId, bool requireSignedUrls, string allowedOriginsJson, HttpRequest request, bool file)
    {
        if (grant is not null)
        {
            if (grant.AccountId != accountId)
            {
                throw ApiErrors.Forbidden("The token was signed with a key of another account.");
            }

            if (file && !grant.Downloadable)
            {
                throw ApiErrors.Forbidden("The token does not allow downloads: sign it with downloadable: true.");
            }
        }
        else if (requireSignedUrls)
        {
            throw ApiErrors.Unauthenticated(file
                ? "This video requires signed URLs: put a signed token with downloadable: true in place of the video id."
                : "This video requires signed URLs: put a signed token in place of the video id.");
        }

        if (!OriginRules.Allows(allowedOriginsJson, request))
        {
            throw ApiErrors.Forbidden("This video's allowedOrigins do not include the page this request comes from.");
        }
    }
}
