namespace EdgeAgent.Shared.Security;

/// <summary>
/// Whether an HTTP request was made by a browser for another site's page. The endpoints that take a bearer token read
/// no cookies and send no CORS headers, so such a page cannot read them with credentials; these headers refuse it
/// outright as well.
/// </summary>
public static class CrossSiteRequest
{
    /// <summary>
    /// True for a <c>Sec-Fetch-Site</c> other than same-origin or none, or an <c>Origin</c> other than
    /// <paramref name="scheme"/>://<paramref name="host"/> (the request's own); either header absent says nothing.
    /// </summary>
    public static bool Is(string secFetchSite, string origin, string scheme, string host)
    {
        if (secFetchSite.Length > 0 && secFetchSite is not ("same-origin" or "none"))
        {
            return true;
        }

        return origin.Length > 0 && !string.Equals(origin, scheme + "://" + host, StringComparison.OrdinalIgnoreCase);
    }
}
