'use strict';
/*
 * SMART launch of the documentation app.
 * - EHR launch: /dtr/launch.html?iss=<FHIR base>&launch=<token> (the card's SMART link, launched by the EHR):
 *   authorization with the client id and scopes the service is configured with (DTR_CLIENT_ID, DTR_SCOPES);
 *   the card's appContext comes back in the token response.
 * - Standalone launch against an open FHIR server (testing, the sandbox):
 *   /dtr/launch.html?fhirServiceUrl=<FHIR base>&patient=<id>&appContext=<the card's appContext>[&user=<Practitioner/id>][&returnTo=sandbox]
 */
(async function launch() {
  const status = document.getElementById('status');
  try {
    const params = new URLSearchParams(window.location.search);
    const config = await (await fetch('/dtr/config.json')).json();
    const redirectUri = new URL('/dtr/', window.location.href).href;
    if (params.get('iss')) {
      await FHIR.oauth2.authorize({ clientId: config.clientId, scope: config.scope, redirectUri, completeInTarget: true });
      return;
    }
    const server = params.get('fhirServiceUrl');
    const patient = params.get('patient');
    if (!server || !patient) throw new Error('Launch with iss and launch (EHR launch), or with fhirServiceUrl and patient (standalone, open FHIR server).');
    // The card's appContext travels in the session: an open server has no token response to carry it.
    sessionStorage.setItem('dtr-launch', JSON.stringify({ appContext: params.get('appContext') || '{}', user: params.get('user') || undefined, returnTo: params.get('returnTo') || undefined }));
    await FHIR.oauth2.authorize({ fhirServiceUrl: server, patientId: patient, redirectUri, completeInTarget: true });
  } catch (error) {
    status.textContent = `Could not launch: ${error.message}`;
    status.className = 'error';
  }
})();
