/** Section ids (anchors, presence) and their titles in the workspace. */
export const SECTION_TITLES: Record<string, string> = {
  overview: 'Evaluation and diagnoses',
  goals: 'Goals',
  medications: 'Medications',
  therapy: 'Therapy',
  monitoring: 'Monitoring',
  checkins: 'Check-ins',
  safety: 'Safety plan',
  education: 'Education',
  privateNotes: 'Private notes',
};
