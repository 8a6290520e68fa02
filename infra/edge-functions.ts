/**
 * Source of the two CloudFront Functions (cloudfront-js-2.0). Kept as plain strings so the tests
 * can evaluate exactly the code that is deployed.
 *
 * - INDEX_REWRITE (viewer-request, default behaviour): Astro's static output has `dir/index.html`;
 *   the S3 REST origin behind OAC has no index documents, so `/reviews/x/` and `/reviews/x`
 *   become `/reviews/x/index.html`.
 * - DOWNLOAD_CONTENT_TYPES (viewer-response, /feed.xml, /data/*, *.csv): the feed and the
 *   downloads are served with the right Content-Type whatever metadata the uploader set.
 */
export const CONTENT_TYPES: Record<string, string> = {
  '.xml': 'application/atom+xml; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.csv': 'text/csv; charset=utf-8',
};

export const INDEX_REWRITE = `function handler(event) {
  var request = event.request;
  var uri = request.uri;
  if (uri.endsWith('/')) {
    request.uri = uri + 'index.html';
  } else if (uri.lastIndexOf('.') <= uri.lastIndexOf('/')) {
    request.uri = uri + '/index.html';
  }
  return request;
}`;

export const DOWNLOAD_CONTENT_TYPES = `var TYPES = ${JSON.stringify(CONTENT_TYPES)};
function handler(event) {
  var response = event.response;
  var uri = event.request.uri;
  var dot = uri.lastIndexOf('.');
  var type = dot >= 0 ? TYPES[uri.slice(dot).toLowerCase()] : undefined;
  if (type && response.statusCode >= 200 && response.statusCode < 300) {
    response.headers['content-type'] = { value: type };
    if (uri.slice(dot).toLowerCase() === '.csv') {
      var name = uri.slice(uri.lastIndexOf('/') + 1);
      response.headers['content-disposition'] = { value: 'attachment; filename="' + name + '"' };
    }
  }
  return response;
}`;
