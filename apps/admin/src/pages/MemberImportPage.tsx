import { Card } from 'antd';
import { useTranslation } from 'react-i18next';
import type { MemberImport } from '@hearth/contracts/members';
import { CsvImportCard } from './CsvImportCard.tsx';

export function MemberImportPage() {
  const { t } = useTranslation();
  return (
    <Card title={t('imports.title')}>
      <CsvImportCard<MemberImport>
        base="/members"
        hint={t('imports.hint')}
        // The member import counts the header line among the processed ones.
        doneRows={(r) => Math.max(0, r.processed_rows - 1)}
        counts={[
          { key: 'created', title: t('imports.created') },
          { key: 'updated', title: t('imports.updated') },
          { key: 'unchanged', title: t('imports.unchanged') },
          { key: 'failed', title: t('imports.failed') },
        ]}
      />
    </Card>
  );
}
