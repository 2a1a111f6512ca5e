import { Schema, type Connection, type InferSchemaType, type Model, type Types } from 'mongoose';
import {
  ACTION_ITEM_STATUSES,
  CONFERENCE_SECTIONS,
  CONFERENCE_STATUSES,
  ROLES,
} from '@tandem/shared';

const PersonSchema = new Schema(
  { id: { type: String, required: true }, name: { type: String, required: true } },
  { _id: false },
);

/** One agenda item; its `_id` is the case id used in minutes document names. */
const CaseSchema = new Schema({
  planId: { type: Schema.Types.ObjectId, required: true },
  patientId: { type: Schema.Types.ObjectId, required: true },
  patientUserId: { type: Schema.Types.ObjectId, required: true },
  patientName: { type: String, required: true },
  reason: { type: String, required: true },
  timeBoxMinutes: { type: Number, required: true },
  patientInvited: { type: Boolean, required: true, default: false },
});

const TimerSchema = new Schema(
  {
    caseId: { type: String, required: true },
    elapsedMs: { type: Number, required: true, default: 0 },
    startedAt: { type: Date, default: null },
  },
  { _id: false },
);

const HandSchema = new Schema(
  {
    userId: { type: String, required: true },
    name: { type: String, required: true },
    role: { type: String, required: true, enum: ROLES },
    raisedAt: { type: Date, required: true },
  },
  { _id: false },
);

/**
 * The live state of a conference as a log of revisions. Every change (the
 * presenter moving, a timer, a hand, someone joining) inserts the next `seq`;
 * the unique index lets exactly one writer win each number across instances.
 * The highest `seq` is the current state.
 */
const StateSchema = new Schema(
  {
    conferenceId: { type: Schema.Types.ObjectId, required: true },
    seq: { type: Number, required: true },
    status: { type: String, required: true, enum: CONFERENCE_STATUSES },
    focus: {
      type: new Schema(
        {
          caseId: { type: String, required: true },
          section: { type: String, required: true, enum: CONFERENCE_SECTIONS },
        },
        { _id: false },
      ),
      default: null,
    },
    presenter: { type: PersonSchema, default: null },
    timers: { type: [TimerSchema], default: [] },
    hands: { type: [HandSchema], default: [] },
    at: { type: Date, required: true },
  },
  { versionKey: false },
);
StateSchema.index({ conferenceId: 1, seq: 1 }, { unique: true });

export type LiveState = {
  seq: number;
  status: (typeof CONFERENCE_STATUSES)[number];
  focus: { caseId: string; section: (typeof CONFERENCE_SECTIONS)[number] } | null;
  presenter: { id: string; name: string } | null;
  timers: { caseId: string; elapsedMs: number; startedAt: Date | null }[];
  hands: { userId: string; name: string; role: (typeof ROLES)[number]; raisedAt: Date }[];
};
export type StateModel = Model<LiveState & { conferenceId: Types.ObjectId; at: Date }>;

export function stateModel(conn: Connection): StateModel {
  return (
    (conn.models.ConferenceState as StateModel | undefined) ??
    conn.model('ConferenceState', StateSchema as never, 'conference_states')
  );
}

const ConferenceSchema = new Schema(
  {
    teamId: { type: Schema.Types.ObjectId, required: true },
    title: { type: String, required: true },
    scheduledAt: { type: Date, required: true },
    durationMinutes: { type: Number, required: true },
    /** Copied from the state log once a start or end wins there, for listing. */
    status: { type: String, required: true, enum: CONFERENCE_STATUSES, default: 'scheduled' },
    createdBy: { type: PersonSchema, required: true },
    cases: { type: [CaseSchema], default: [] },
    /** Denormalised from `cases` for queries by plan and by invited patient. */
    planIds: { type: [Schema.Types.ObjectId], default: [] },
    invitedUserIds: { type: [Schema.Types.ObjectId], default: [] },
    startedAt: { type: Date, default: null },
    endedAt: { type: Date, default: null },
    endedBy: { type: PersonSchema, default: null },
  },
  { timestamps: true },
);
ConferenceSchema.index({ teamId: 1, scheduledAt: 1 });
ConferenceSchema.index({ planIds: 1 });
ConferenceSchema.index({ invitedUserIds: 1 });

export type ConferenceDoc = InferSchemaType<typeof ConferenceSchema>;
export type StoredConference = ConferenceDoc & { _id: Types.ObjectId };
export type StoredCase = StoredConference['cases'][number] & { _id: Types.ObjectId };
export type ConferenceModel = Model<ConferenceDoc>;

export function conferenceModel(conn: Connection): ConferenceModel {
  return (
    (conn.models.Conference as ConferenceModel | undefined) ??
    conn.model('Conference', ConferenceSchema)
  );
}

/**
 * One socket's stay in a conference: attendance (joined/left) and, while
 * `leftAt` is null, presence with its follow state. `seenAt` is refreshed by
 * the instance holding the socket, so a crashed instance's rows go stale
 * instead of showing people who are gone.
 */
const AttendanceSchema = new Schema({
  conferenceId: { type: Schema.Types.ObjectId, required: true },
  sid: { type: String, required: true },
  instanceId: { type: String, required: true },
  userId: { type: Schema.Types.ObjectId, required: true },
  name: { type: String, required: true },
  role: { type: String, required: true, enum: ROLES },
  /** A patient's own case; null for the care team. */
  caseId: { type: String, default: null },
  following: { type: Boolean, required: true, default: true },
  joinedAt: { type: Date, required: true },
  leftAt: { type: Date, default: null },
  seenAt: { type: Date, required: true },
});
AttendanceSchema.index({ conferenceId: 1, leftAt: 1 });
AttendanceSchema.index({ instanceId: 1, leftAt: 1 });

export type AttendanceDoc = InferSchemaType<typeof AttendanceSchema>;
export type AttendanceModel = Model<AttendanceDoc>;

export function attendanceModel(conn: Connection): AttendanceModel {
  return (
    (conn.models.ConferenceAttendance as AttendanceModel | undefined) ??
    conn.model('ConferenceAttendance', AttendanceSchema)
  );
}

const DecisionSchema = new Schema(
  {
    conferenceId: { type: Schema.Types.ObjectId, required: true },
    caseId: { type: String, required: true },
    planId: { type: Schema.Types.ObjectId, required: true },
    teamId: { type: Schema.Types.ObjectId, required: true },
    text: { type: String, required: true },
    medicationChange: { type: Schema.Types.Mixed, default: null },
    proposalId: { type: String, default: null },
    createdBy: { type: PersonSchema, required: true },
  },
  { timestamps: { createdAt: true, updatedAt: false } },
);
DecisionSchema.index({ conferenceId: 1, createdAt: 1 });
DecisionSchema.index({ planId: 1 });

export type DecisionDoc = InferSchemaType<typeof DecisionSchema> & { createdAt: Date };
export type DecisionModel = Model<DecisionDoc>;

export function conferenceDecisionModel(conn: Connection): DecisionModel {
  return (
    (conn.models.ConferenceDecision as DecisionModel | undefined) ??
    conn.model('ConferenceDecision', DecisionSchema)
  );
}

/** A task agreed in a conference: on its plan and on its owner's dashboard. */
const ActionItemSchema = new Schema(
  {
    conferenceId: { type: Schema.Types.ObjectId, required: true },
    conferenceTitle: { type: String, required: true },
    caseId: { type: String, required: true },
    planId: { type: Schema.Types.ObjectId, required: true },
    teamId: { type: Schema.Types.ObjectId, required: true },
    patientId: { type: Schema.Types.ObjectId, required: true },
    patientName: { type: String, required: true },
    text: { type: String, required: true },
    ownerId: { type: Schema.Types.ObjectId, required: true },
    ownerName: { type: String, required: true },
    dueDate: { type: String, required: true },
    status: { type: String, required: true, enum: ACTION_ITEM_STATUSES, default: 'open' },
    createdBy: { type: PersonSchema, required: true },
    completedAt: { type: Date, default: null },
  },
  { timestamps: { createdAt: true, updatedAt: false } },
);
ActionItemSchema.index({ conferenceId: 1, createdAt: 1 });
ActionItemSchema.index({ planId: 1, createdAt: 1 });
ActionItemSchema.index({ ownerId: 1, status: 1 });

export type ActionItemDoc = InferSchemaType<typeof ActionItemSchema> & { createdAt: Date };
export type ActionItemModel = Model<ActionItemDoc>;

export function actionItemModel(conn: Connection): ActionItemModel {
  return (
    (conn.models.ConferenceActionItem as ActionItemModel | undefined) ??
    conn.model('ConferenceActionItem', ActionItemSchema)
  );
}
