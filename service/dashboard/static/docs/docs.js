// The API reference: Swagger UI over the service's own OpenAPI document. A key the dashboard
// keeps in this tab's sessionStorage authorises "Try it out" too; nothing else is stored.
(function () {
  "use strict";

  var KEY_ENTRY = "claimtrack.apiKey";

  function storedKey() {
    try {
      return window.sessionStorage.getItem(KEY_ENTRY);
    } catch (error) { // storage disabled: the Authorize button still works
      return null;
    }
  }

  var ui = window.SwaggerUIBundle({
    url: "/api/v1/openapi.json",
    dom_id: "#docs",
    deepLinking: true,
    validatorUrl: null, // the default badge would call validator.swagger.io
    persistAuthorization: false, // it would copy the key into localStorage
    tryItOutEnabled: false,
    docExpansion: "list",
    defaultModelsExpandDepth: 0,
    onComplete: function () {
      var key = storedKey();
      if (key) {
        ui.preauthorizeApiKey("bearerAuth", key);
      }
    },
  });
})();
