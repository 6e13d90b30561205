import type { CodeableConcept, Coding } from 'fhir/r4';
import type { Evidence } from '../../decision/types';
import type { ChartImaging, ChartProcedure } from '../chart/model';
import { conditionEvidence, laterConditions } from '../conditions';
import { reportFindings } from '../report-words';
import { evidenceCutoff, laterEvidence } from '../timeline';
import { imagingRegions, otherRegionEvidence, regionConditions, regionFit, regionsNamed, type Region, type RegionReading } from './regions';

/**
 * Another cause of the pain on record (a fracture, tumour, infection, extraspinal lesion, deformity…), read as a
 * reviewer does: a current diagnosis of the procedure's region, a coded imaging conclusion, or the words of an
 * imaging report, negation-aware and sentence by sentence ("pars defect with fracture at L5" is a fracture,
 * "no fracture or listhesis" is not, "old T8 compression fracture" is set aside for a lumbar block). Spine
 * imaging counts when it images the procedure's region (a whole-spine study, or one whose region cannot be
 * told, counts).
 */

/** One kind of other cause: the value set of its diagnosis codes, of its report words, and its name. */
export interface OtherCause {
  codes: string;
  words: string;
  label: string;
}

/**
 * The other causes every spine policy asks about (CP.MP.171 I.A.1.c "fracture, tumor, infection, extraspinal
 * lesion"; the LCD's C4 adds a significant deformity): diagnosis codes and report words of each.
 */
export const SPINE_OTHER_CAUSES: OtherCause[] = [
  { codes: 'vertebralFracture', words: 'fractureReportText', label: 'fracture' },
  { codes: 'spinalNeoplasm', words: 'tumourReportText', label: 'tumour' },
  { codes: 'spinalInfection', words: 'infectionReportText', label: 'infection' },
  { codes: 'extraspinalLesion', words: 'extraspinalReportText', label: 'extraspinal lesion' },
];

/** The value sets a list of other causes is read with (a policy's `reads`). */
export function otherCauseValueSets(causes: OtherCause[]): string[] {
  return causes.flatMap((c) => [c.codes, c.words]);
}

/** A chart read for one procedure on its date. */
export interface ProcedureReading extends RegionReading {
  unit: { region?: Region; date: string };
}

/** A spine imaging study as read: a DiagnosticReport / ImagingStudy, or a Procedure with a spine imaging code. */
export interface Study {
  ref: string;
  name: string;
  date?: string;
  codings: Coding[];
  /** The report's words: conclusion, text presentedForm, description (a Procedure's text and notes). */
  texts: string[];
  conclusionConcepts: CodeableConcept[];
}

export interface OtherCauses {
  /** The causes found, each a line naming its label first ("fracture: …"). */
  causes: Evidence[];
  /** The kinds of cause found, in the order of `kinds`. */
  labels: string[];
  /** Evidence found but not counted: another region, negated, dated after today. */
  setAside: Evidence[];
  /** The spine imaging of the procedure's region on record by the cut-off, with the regions each images. */
  studies: Array<{ study: Study; regions: Region[] }>;
}

function fromReport(i: ChartImaging): Study {
  return { ref: i.ref, name: i.name, ...(i.date ? { date: i.date } : {}), codings: i.codings, texts: i.reportTexts, conclusionConcepts: i.conclusionConcepts };
}

function fromProcedure(p: ChartProcedure): Study {
  return { ref: p.ref, name: p.text, ...(p.date ? { date: p.date } : {}), codings: p.codings, texts: [p.text, ...p.notes], conclusionConcepts: [] };
}

function isSpineImaging(p: ChartProcedure, ctx: RegionReading): boolean {
  return p.codings.some((c) => ctx.vs.spineImaging!.matchesCoding(c)) || ctx.vs.spineImaging!.matchesText(p.text);
}

/**
 * Imaging that only guided a procedure: a facet block "under fluoroscopic guidance" (its CPT code includes the
 * imaging), CT guidance for needle placement (77012), another pain procedure. It shows where the needle went,
 * not whether the spine has another cause of the pain, so it is not a study for I.A.1.c. A spine imaging code
 * (72020–72159) is always a study.
 */
function guidanceOnly(codings: Coding[], text: string, ctx: RegionReading): boolean {
  const { vs } = ctx;
  if (codings.some((c) => vs.spineImaging!.matchesCoding(c))) return false;
  return codings.some((c) => vs.imagingGuidanceOnly!.matchesCoding(c) || vs.otherPainProcedures!.matchesCoding(c)) || vs.imagingGuidanceOnly!.matchesText(text);
}

function guidanceEvidence(s: Study): Evidence {
  return { text: `set aside, imaging only as the guidance of a procedure (not a study of the spine): ${s.name}${s.date ? ` on ${s.date}` : ''}`, reference: s.ref, setAside: 'procedure guidance' };
}

/** "MRI lumbar spine on 2026-08-26, whole spine": a study as the card names it. */
export function studyText(s: Study, regions: Region[]): string {
  const where = regions.length === 0 ? ', region not stated (counted)' : regions.length === 3 ? ', whole spine' : '';
  return `${s.name}${s.date ? ` on ${s.date}` : ''}${where}`;
}

/** The other causes of `kinds` on record for the procedure, and the spine imaging read for them. */
export function otherCausesOnRecord(ctx: ProcedureReading, kinds: OtherCause[]): OtherCauses {
  const { vs, chart, unit } = ctx;
  const until = evidenceCutoff(ctx.today, unit.date);
  const read: Study[] = [
    ...chart.procedures.filter((p) => p.status === 'completed' && (p.date ?? '') <= until && isSpineImaging(p, ctx)).map(fromProcedure),
    ...chart.imaging.filter((i) => (i.date ?? '') <= until).map(fromReport),
  ];
  const causes: Evidence[] = [];
  const setAside: Evidence[] = [];
  const studies: OtherCauses['studies'] = [];
  // Words that name another cause count wherever they are written, a procedure's report included; only a
  // study of the spine shows there is none.
  const reports: OtherCauses['studies'] = [];
  for (const study of read) {
    const regions = imagingRegions(study.codings, study.name, vs);
    if (regionFit(regions, unit.region) === 'other') setAside.push(otherRegionEvidence(studyText(study, regions), study.ref, regions, unit.region));
    else if (guidanceOnly(study.codings, study.name, ctx)) {
      setAside.push(guidanceEvidence(study));
      reports.push({ study, regions });
    } else {
      studies.push({ study, regions });
      reports.push({ study, regions });
    }
  }

  for (const cause of kinds) {
    const diagnoses = regionConditions(ctx, cause.codes);
    causes.push(...diagnoses.counted.map((c) => ({ ...conditionEvidence(c), text: `${cause.label}: ${conditionEvidence(c).text}` })));
    setAside.push(...diagnoses.elsewhere);
    for (const { study } of reports) {
      const where = `${study.name}${study.date ? ` on ${study.date}` : ''}`;
      for (const concept of study.conclusionConcepts.filter((c) => vs[cause.codes]!.matchesConcept(c))) {
        const regions = regionsNamed([concept], vs);
        if (regionFit(regions, unit.region) === 'other') setAside.push(otherRegionEvidence(`${cause.label} coded in the conclusion of ${where}`, study.ref, regions, unit.region));
        else causes.push({ text: `${cause.label} coded in the imaging conclusion of ${where}`, reference: study.ref });
      }
      for (const finding of reportFindings(study.texts, [cause.words], vs)) {
        const words = `"${finding.quote}"`;
        if (finding.negated) setAside.push({ text: `set aside, negated: ${words} (${where})`, reference: study.ref, setAside: 'negated' });
        else if (regionFit(finding.regions, unit.region) === 'other') setAside.push(otherRegionEvidence(`${cause.label} in the report of ${where}: ${words}`, study.ref, finding.regions, unit.region));
        else causes.push({ text: `${cause.label} in the report of ${where}: ${words}`, reference: study.ref });
      }
    }
  }
  setAside.push(
    ...laterEvidence(
      [
        ...chart.later.imaging.map((i) => ({ ref: i.ref, text: i.name, date: i.date })),
        ...chart.later.procedures.filter((p) => isSpineImaging(p, ctx)).map((p) => ({ ref: p.ref, text: p.text, date: p.date })),
      ],
      ctx.today,
    ),
    ...laterConditions(ctx, ...kinds.map((c) => c.codes)),
  );
  const labels = kinds.map((k) => k.label).filter((label) => causes.some((c) => c.text.startsWith(label)));
  return { causes, labels, setAside, studies };
}
