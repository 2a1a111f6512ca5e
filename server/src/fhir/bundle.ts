import type {
  GoalSnapshot,
  MedicationSnapshot,
  PlanSnapshot,
  TherapySnapshot,
} from '@tandem/shared';
import {
  ANSWER_LOINC,
  ANSWER_OPTIONS,
  doseText,
  QUESTIONNAIRES,
  SEVERITY_LABELS,
  type Instrument,
  type Severity,
} from '@tandem/shared';

/** What an export needs; clinician-only notes are not part of it and cannot leak. */
export type FhirExportInput = {
  baseUrl: string;
  exportedAt: Date;
  patient: { id: string; name: string; dateOfBirth: string | null };
  team: { id: string; name: string; members: { id: string; name: string; role: string }[] };
  plan: { id: string; title: string; status: string; createdAt: Date; updatedAt: Date };
  /** Only the sections an export reads; privateNotes has no place here. */
  content: Pick<PlanSnapshot, 'goals' | 'medications' | 'therapy'>;
  signatures: {
    versionId: string;
    versionLabel: string;
    userId: string;
    name: string;
    role: string;
    kind: 'sign' | 'cosign' | 'acknowledge';
    at: Date;
    contentHash: string;
  }[];
  /** The patient's check-ins: the score and each answer, never a follow-up note. */
  checkIns: {
    id: string;
    instrument: Instrument;
    answers: number[];
    score: number;
    severity: Severity;
    submittedAt: Date;
  }[];
};

type Resource = { resourceType: string; id: string; [k: string]: unknown };

/** FHIR ids allow letters, digits, '-' and '.', up to 64 characters. */
export function fhirId(raw: string): string {
  const id = raw.replace(/[^A-Za-z0-9.-]/g, '-').slice(0, 64);
  return id || 'x';
}

const GOAL_STATUS: Record<string, string> = {
  proposed: 'proposed',
  planned: 'planned',
  not_started: 'planned',
  'not-started': 'planned',
  active: 'active',
  in_progress: 'active',
  'in-progress': 'active',
  on_hold: 'on-hold',
  paused: 'on-hold',
  achieved: 'completed',
  completed: 'completed',
  cancelled: 'cancelled',
  dropped: 'cancelled',
};

const MED_STATUS: Record<string, string> = {
  active: 'active',
  titrating: 'active',
  planned: 'draft',
  proposed: 'draft',
  paused: 'on-hold',
  on_hold: 'on-hold',
  stopped: 'stopped',
  discontinued: 'stopped',
  completed: 'completed',
};

// ISO/ASTM E1762 signature types, as FHIR's signature-type value set uses them.
const SIGNATURE_TYPE: Record<FhirExportInput['signatures'][number]['kind'], [string, string]> = {
  sign: ['1.2.840.10065.1.12.1.1', "Author's Signature"],
  cosign: ['1.2.840.10065.1.12.1.2', "Coauthor's Signature"],
  acknowledge: ['1.2.840.10065.1.12.1.7', 'Consent Signature'],
};

function splitName(name: string): { text: string; family?: string; given?: string[] } {
  const clean = name
    .replace(/^(Dr\.?|Mx\.?|Ms\.?|Mr\.?)\s+/, '')
    .replace(/,.*$/, '')
    .trim();
  const parts = clean.split(/\s+/);
  if (parts.length < 2) return { text: name };
  return { text: name, family: parts[parts.length - 1]!, given: parts.slice(0, -1) };
}

function isDate(s: unknown): s is string {
  return typeof s === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(s);
}

function therapies(t: PlanSnapshot['therapy']): TherapySnapshot[] {
  if (!t) return [];
  return (Array.isArray(t) ? t : [t]).filter((x) => typeof x.modality === 'string' && x.modality);
}

/**
 * The plan as a FHIR R4 `collection` Bundle: Patient, Practitioners, CareTeam,
 * CarePlan (medication and therapy activities), Goals, MedicationRequests, a
 * Provenance per signature and an Observation per check-in.
 */
export function buildFhirBundle(input: FhirExportInput): Resource {
  const { patient, team, plan, content } = input;
  const ref = (r: Resource) => ({ reference: `${r.resourceType}/${r.id}` });
  const patientRes: Resource = {
    resourceType: 'Patient',
    id: fhirId(patient.id),
    name: [splitName(patient.name)],
    ...(isDate(patient.dateOfBirth) ? { birthDate: patient.dateOfBirth } : {}),
  };
  const practitioners = new Map<string, Resource>();
  for (const m of team.members) {
    practitioners.set(m.id, {
      resourceType: 'Practitioner',
      id: fhirId(m.id),
      name: [splitName(m.name)],
    });
  }
  const careTeam: Resource = {
    resourceType: 'CareTeam',
    id: fhirId(team.id),
    status: 'active',
    name: team.name,
    subject: ref(patientRes),
    participant: team.members.map((m) => ({
      role: [{ text: m.role }],
      member: { ...ref(practitioners.get(m.id)!), display: m.name },
    })),
  };

  const goals: Resource[] = (content.goals ?? []).map((g: GoalSnapshot) => ({
    resourceType: 'Goal',
    id: fhirId(`goal-${g.id}`),
    lifecycleStatus: GOAL_STATUS[g.status ?? ''] ?? 'active',
    ...(g.status === 'achieved' ? { achievementStatus: { text: 'Achieved' } } : {}),
    description: { text: g.title || 'Untitled goal' },
    subject: ref(patientRes),
    ...(g.target || isDate(g.dueDate)
      ? {
          target: [
            {
              ...(g.target ? { detailString: String(g.target) } : {}),
              ...(isDate(g.dueDate) ? { dueDate: g.dueDate } : {}),
            },
          ],
        }
      : {}),
    // A goal in the patient's own words is expressed by the patient.
    ...(g.patientWords
      ? { expressedBy: ref(patientRes), note: [{ text: String(g.patientWords) }] }
      : {}),
  }));

  const prescribers = team.members.filter((m) => m.role === 'prescriber');
  const medications: Resource[] = (content.medications ?? []).map((m: MedicationSnapshot) => {
    const requester = prescribers.find((p) => p.name === m.prescriber) ?? prescribers[0];
    const dosageText = [m.name, doseText(m), m.route ?? '', m.frequency ?? '']
      .filter(Boolean)
      .join(' ');
    return {
      resourceType: 'MedicationRequest',
      id: fhirId(`med-${m.id}`),
      status: MED_STATUS[m.status ?? ''] ?? 'active',
      intent: 'plan',
      medicationCodeableConcept: { text: m.name || 'Unnamed medication' },
      subject: ref(patientRes),
      ...(isDate(m.startDate) ? { authoredOn: m.startDate } : {}),
      ...(requester ? { requester: ref(practitioners.get(requester.id)!) } : {}),
      ...(m.indication ? { reasonCode: [{ text: String(m.indication) }] } : {}),
      dosageInstruction: [
        {
          text: dosageText,
          ...(m.frequency ? { timing: { code: { text: m.frequency } } } : {}),
          ...(m.route ? { route: { text: m.route } } : {}),
          ...(typeof m.dose === 'number' && Number.isFinite(m.dose)
            ? {
                doseAndRate: [
                  { doseQuantity: { value: m.dose, ...(m.unit ? { unit: m.unit } : {}) } },
                ],
              }
            : {}),
        },
      ],
    };
  });

  const carePlan: Resource = {
    resourceType: 'CarePlan',
    id: fhirId(plan.id),
    status: plan.status === 'archived' ? 'completed' : 'active',
    intent: 'plan',
    title: plan.title,
    subject: ref(patientRes),
    created: plan.createdAt.toISOString(),
    careTeam: [ref(careTeam)],
    goal: goals.map(ref),
    activity: [
      ...medications.map((m) => ({ reference: ref(m) })),
      ...therapies(content.therapy).map((t) => ({
        detail: {
          kind: 'ServiceRequest',
          code: { text: `${t.modality} psychotherapy` },
          status: 'in-progress',
          ...(t.focus ? { description: String(t.focus) } : {}),
          ...(t.frequency ? { scheduledString: String(t.frequency) } : {}),
        },
      })),
    ],
  };

  const provenances: Resource[] = input.signatures.map((s, i) => ({
    resourceType: 'Provenance',
    id: fhirId(`sig-${s.versionId}-${i}`),
    target: [ref(carePlan)],
    recorded: s.at.toISOString(),
    activity: { text: `${s.kind} version ${s.versionLabel} (sha256 ${s.contentHash})` },
    agent: [
      {
        type: { text: s.role },
        who: s.role === 'patient' ? ref(patientRes) : { display: s.name },
      },
    ],
    signature: [
      {
        type: [
          {
            system: 'urn:iso-astm:E1762-95:2013',
            code: SIGNATURE_TYPE[s.kind][0],
            display: SIGNATURE_TYPE[s.kind][1],
          },
        ],
        when: s.at.toISOString(),
        who:
          s.role === 'patient'
            ? ref(patientRes)
            : practitioners.has(s.userId)
              ? ref(practitioners.get(s.userId)!)
              : { display: s.name },
      },
    ],
  }));

  // Each check-in is the questionnaire's total score reported by the patient, with each
  // item's answer as a component, both in LOINC codes.
  const observations: Resource[] = input.checkIns.map((c) => {
    const q = QUESTIONNAIRES[c.instrument];
    return {
      resourceType: 'Observation',
      id: fhirId(`checkin-${c.id}`),
      status: 'final',
      category: [
        {
          coding: [
            {
              system: 'http://terminology.hl7.org/CodeSystem/observation-category',
              code: 'survey',
              display: 'Survey',
            },
          ],
        },
      ],
      code: {
        coding: [{ system: 'http://loinc.org', code: q.loinc.code, display: q.loinc.display }],
        text: q.name,
      },
      subject: ref(patientRes),
      effectiveDateTime: c.submittedAt.toISOString(),
      performer: [ref(patientRes)],
      valueInteger: c.score,
      interpretation: [{ text: SEVERITY_LABELS[c.severity] }],
      component: c.answers.map((answer, i) => ({
        code: {
          coding: [{ system: 'http://loinc.org', code: q.itemLoinc[i] }],
          text: q.items[i],
        },
        valueCodeableConcept: {
          coding: [
            {
              system: 'http://loinc.org',
              code: ANSWER_LOINC[answer],
              display: ANSWER_OPTIONS[answer],
            },
          ],
        },
      })),
    };
  });

  const resources = [
    patientRes,
    ...practitioners.values(),
    careTeam,
    carePlan,
    ...goals,
    ...medications,
    ...provenances,
    ...observations,
  ];
  return {
    resourceType: 'Bundle',
    id: fhirId(`plan-${plan.id}-${input.exportedAt.getTime()}`),
    type: 'collection',
    timestamp: input.exportedAt.toISOString(),
    entry: resources.map((r) => ({
      fullUrl: `${input.baseUrl}/fhir/${r.resourceType}/${r.id}`,
      resource: r,
    })),
  };
}
