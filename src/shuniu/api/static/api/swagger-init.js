// Starts Swagger UI on the API docs page. A static file because the CSP forbids inline scripts.
(function () {
  "use strict";
  var body = document.body;
  var csrfToken = body.getAttribute("data-csrf-token");
  window.SwaggerUIBundle({
    url: body.getAttribute("data-openapi-url"),
    dom_id: "#swagger-ui",
    deepLinking: true,
    layout: "BaseLayout",
    presets: [window.SwaggerUIBundle.presets.apis],
    // Same-origin calls from the docs page use the signed-in session, which needs the CSRF token.
    requestInterceptor: function (request) {
      if (csrfToken) {
        request.headers["X-CSRFToken"] = csrfToken;
      }
      return request;
    },
  });
})();
