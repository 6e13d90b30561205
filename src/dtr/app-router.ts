import fs from 'node:fs';
import path from 'node:path';
import express, { type NextFunction, type Request, type Response } from 'express';
import type { AppConfig } from '../config';
import { NotFoundError } from '../errors';

/**
 * The documentation app at /dtr: a SMART on FHIR app (plain HTML and JavaScript in public/dtr/) that
 * launches from the card (EHR launch with iss and launch) or against an open FHIR server (standalone,
 * fhirServiceUrl), gets the questionnaire package from this service, renders it with LHC-Forms and saves
 * the attested QuestionnaireResponse to the EHR's FHIR server. The browser builds of fhirclient and lforms
 * are served from the installed packages (no CDN, nothing downloaded at run time).
 */

const ROOT = [path.resolve(__dirname, '../..'), path.resolve(__dirname, '../../..')].find((dir) => fs.existsSync(path.join(dir, 'public', 'dtr', 'index.html')));

/** The vendor files the app loads, each from its package: only these are served. */
const VENDOR: Record<string, string> = {
  'fhir-client.min.js': 'node_modules/fhirclient/build/fhir-client.min.js',
  'lforms/zone.min.js': 'node_modules/lforms/dist/lforms/webcomponent/assets/lib/zone.min.js',
  'lforms/lhc-forms.js': 'node_modules/lforms/dist/lforms/webcomponent/lhc-forms.js',
  'lforms/styles.css': 'node_modules/lforms/dist/lforms/webcomponent/styles.css',
  'lforms/lformsFHIR.min.js': 'node_modules/lforms/dist/lforms/fhir/R4/lformsFHIR.min.js',
  // Images its stylesheet refers to (relative to it).
  'lforms/down_arrow_gray_10_10.png': 'node_modules/lforms/dist/lforms/webcomponent/down_arrow_gray_10_10.png',
  'lforms/magnifying_glass.png': 'node_modules/lforms/dist/lforms/webcomponent/magnifying_glass.png',
};

/**
 * The app talks to this service and to the EHR's FHIR and authorization servers, whose origins it learns at
 * launch; scripts only from this origin. LHC-Forms (Angular) sets inline styles.
 */
function contentSecurityPolicy(production: boolean): string {
  return [
    "default-src 'none'",
    "script-src 'self'",
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data:",
    "font-src 'self' data:",
    `connect-src 'self' https:${production ? '' : ' http:'}`,
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'self'",
  ].join('; ');
}

export function dtrAppRouter(config: Pick<AppConfig, 'dtrClientId' | 'dtrScopes' | 'env'>): express.Router {
  const router = express.Router();
  router.use((_req: Request, res: Response, next: NextFunction) => {
    res.setHeader('Content-Security-Policy', contentSecurityPolicy(config.env === 'production'));
    res.setHeader('X-Content-Type-Options', 'nosniff');
    res.setHeader('Referrer-Policy', 'no-referrer');
    next();
  });
  if (!ROOT) {
    router.use(() => {
      throw new NotFoundError('The documentation app (public/dtr) is not installed');
    });
    return router;
  }
  router.get('/config.json', (_req, res) => {
    res.json({ clientId: config.dtrClientId, scope: config.dtrScopes });
  });
  router.get('/vendor/*file', (req, res, next) => {
    const name = ([] as string[]).concat((req.params as { file: string | string[] }).file).join('/');
    const file = VENDOR[name];
    if (!file) throw new NotFoundError(`No vendor file ${name}`);
    res.sendFile(path.join(ROOT, file), { maxAge: '1h' }, (error) => error && next(new NotFoundError(`${name} is not installed (npm ci)`)));
  });
  router.get('/', (_req, res) => res.sendFile(path.join(ROOT, 'public', 'dtr', 'index.html')));
  router.use(express.static(path.join(ROOT, 'public', 'dtr'), { index: false, redirect: false, fallthrough: true, maxAge: 0 }));
  return router;
}
