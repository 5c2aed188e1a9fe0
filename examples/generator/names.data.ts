// Name and business vocabularies for the demo generator. Order matters: entries near the front are
// picked more often (skewed pick), and any edit changes the generated files for a given seed.
// Accents and apostrophes are intentional: they exercise normalisation during matching.

// prettier-ignore
export const FIRST_NAMES: string[] = [
  'James', 'Mary', 'John', 'Emma', 'Michael', 'Olivia', 'David', 'Sarah', 'Thomas', 'Laura',
  'Robert', 'Anna', 'William', 'Sophie', 'Daniel', 'Emily', 'Peter', 'Julia', 'Paul', 'Maria',
  'Richard', 'Charlotte', 'Mark', 'Jessica', 'Christopher', 'Hannah', 'Matthew', 'Lucy', 'Andrew',
  'Katherine', 'Joseph', 'Elizabeth', 'Jan', 'Lisa', 'Stefan', 'Claire', 'Martin', 'Rachel',
  'George', 'Amy', 'Jack', 'Rebecca', 'Oliver', 'Jennifer', 'Harry', 'Nicole', 'Charlie', 'Grace',
  'Samuel', 'Chloe', 'Benjamin', 'Isabella', 'Alexander', 'Mia', 'Lukas', 'Lea', 'Felix', 'Leonie',
  'Jonas', 'Lena', 'Maximilian', 'Katharina', 'Tobias', 'Johanna', 'Florian', 'Sabine', 'Jürgen',
  'Ursula', 'Klaus', 'Monika', 'Wolfgang', 'Petra', 'Matthias', 'Claudia', 'Sebastian', 'Anja',
  'Pierre', 'Camille', 'Nicolas', 'Manon', 'Julien', 'Léa', 'Antoine', 'Chloé', 'François',
  'Élodie', 'Mathieu', 'Céline', 'Guillaume', 'Hélène', 'Sébastien', 'Amélie', 'Jérôme', 'Renée',
  'Daan', 'Sanne', 'Sem', 'Fleur', 'Bram', 'Femke', 'Thijs', 'Lotte', 'Ruben', 'Eva', 'Joris',
  'Anouk', 'Pieter', 'Marieke', 'Willem', 'Ingrid', 'José', 'Lucía', 'Javier', 'Carmen', 'Carlos',
  'Sofía', 'Alejandro', 'Isabel', 'Pablo', 'Elena', 'Miguel', 'Marta', 'Andrés', 'Inés', 'Diego',
  'Paula', 'Sergio', 'Cristina', 'Raúl', 'Pilar', 'Ethan', 'Ava', 'Noah', 'Abigail', 'Liam',
  'Madison', 'Mason', 'Harper', 'Logan', 'Evelyn', 'Lucas', 'Ella', 'Aiden', 'Zoë', 'Jacob',
  'Natalie', 'Tyler', 'Megan', 'Brandon', 'Ashley', 'Kevin', 'Stephanie', 'Ryan', 'Heather',
  'Justin', 'Amanda', 'Sean', 'Siobhan', 'Connor', 'Niamh', 'Callum', 'Aoife', 'Declan', 'Fiona',
  'Hamish', 'Isla', 'Rhys', 'Carys', 'Owen', 'Bethan', 'Dylan', 'Ffion', 'Arthur', 'Florence',
  'Alfie', 'Poppy', 'Freddie', 'Evie', 'Theo', 'Imogen', 'Hugo', 'Matilda', 'Oscar', 'Beatrice',
  'Leo', 'Rosie', 'Edward', 'Eleanor', 'Henry', 'Victoria', 'Frederik', 'Astrid', 'Björn',
  'Ingeborg', 'Jörg', 'Dörte', 'Marco', 'Giulia', 'Luca', 'Francesca', 'Ahmed', 'Fatima', 'Mohammed',
  'Aisha', 'Wei', 'Mei', 'Raj', 'Priya', 'Arjun', 'Ananya', 'Kenji', 'Yuki', 'Olamide', 'Chiamaka',
];

// prettier-ignore
export const LAST_NAMES: string[] = [
  'Smith', 'Johnson', 'Williams', 'Brown', 'Jones', 'Miller', 'Davis', 'Wilson', 'Taylor', 'Müller',
  'Schmidt', 'Martin', 'García', 'Anderson', 'Thomas', 'Jackson', 'White', 'Harris', 'Clark',
  'Lewis', 'Robinson', 'Walker', 'Young', 'Allen', 'King', 'Wright', 'Scott', 'Green', 'Baker',
  'Adams', 'Nelson', 'Hill', 'Campbell', 'Mitchell', 'Roberts', 'Carter', 'Phillips', 'Evans',
  'Turner', 'Parker', 'Collins', 'Edwards', 'Stewart', 'Morris', 'Murphy', 'Cook', 'Rogers',
  'Morgan', 'Cooper', 'Peterson', 'Reed', 'Bailey', 'Bell', 'Kelly', 'Howard', 'Ward', 'Cox',
  'Richardson', 'Wood', 'Watson', 'Brooks', 'Bennett', 'Gray', 'Hughes', 'Price', 'Sanders',
  'Patel', 'Khan', 'Singh', 'Ali', 'Hussain', 'Shah', 'Chen', 'Wang', 'Li', 'Nguyen', 'Kim',
  'Schneider', 'Fischer', 'Weber', 'Meyer', 'Wagner', 'Becker', 'Schulz', 'Hoffmann', 'Schäfer',
  'Koch', 'Bauer', 'Richter', 'Klein', 'Wolf', 'Schröder', 'Neumann', 'Schwarz', 'Zimmermann',
  'Braun', 'Krüger', 'Hofmann', 'Hartmann', 'Lange', 'Schmitt', 'Werner', 'Krause', 'Meier',
  'Lehmann', 'Bernard', 'Dubois', 'Robert', 'Richard', 'Petit', 'Durand', 'Leroy', 'Moreau',
  'Simon', 'Laurent', 'Lefèvre', 'Michel', 'Fontaine', 'Rousseau', 'Vincent', 'Muller',
  'Lefebvre', 'Faure', 'André', 'Mercier', 'Blanc', 'Guérin', 'Boyer', 'Garnier', 'Chevalier',
  'François', 'de Jong', 'Jansen', 'de Vries', 'van den Berg', 'van Dijk', 'Bakker', 'Janssen',
  'Visser', 'Smit', 'Meijer', 'de Boer', 'Mulder', 'de Groot', 'Bos', 'Vos', 'Peters', 'Hendriks',
  'van Leeuwen', 'Dekker', 'Brouwer', 'de Wit', 'Dijkstra', 'Rodríguez', 'González', 'Fernández',
  'López', 'Martínez', 'Sánchez', 'Pérez', 'Gómez', 'Martín', 'Jiménez', 'Ruiz', 'Hernández',
  'Díaz', 'Moreno', 'Muñoz', 'Álvarez', 'Romero', 'Alonso', 'Gutiérrez', 'Navarro', 'Torres',
  'Domínguez', 'Vázquez', "O'Brien", "O'Connor", "O'Neill", 'McDonald', 'MacLeod', 'McCarthy',
  'Murray', 'Fraser', 'Gallagher', 'Doherty', 'Kennedy', 'Lynch', 'Quinn', 'Byrne', 'Ryan',
  'Rossi', 'Russo', 'Ferrari', 'Esposito', 'Bianchi', 'Romano', 'Colombo', 'Ricci', 'Marino',
  'Greco', 'Bruno', 'Gallo', 'Conti', 'De Luca', 'Costa', 'Silva', 'Santos', 'Oliveira', 'Pereira',
];

// Some company names contain commas on purpose so the CRM export needs quoted fields.
// prettier-ignore
export const COMPANIES: string[] = [
  'Acme Logistics', 'Northwind Traders', 'Globex Corporation', 'Initech', 'Umbrella Health',
  'Stark Industries', 'Wayne Enterprises', 'Hooli', 'Contoso Ltd', 'Fabrikam Inc',
  'Tailspin Toys', 'Wide World Importers', 'Blue Yonder Airlines', 'Litware Inc', 'Adventure Works',
  'Hart, Lowe & Partners', 'Meyer & Söhne GmbH', 'Dupont, Girard et Fils', 'Van der Berg B.V.',
  'Construcciones García S.L.', 'Brightside Energy', 'Summit Financial', 'Greenleaf Foods',
  'Pinnacle Insurance', 'Redwood Analytics', 'Silverline Media', 'Oakridge Consulting',
  'Harbor Freight Solutions', 'Nordlicht Software AG', 'Boulangerie Martin', 'Atlas Engineering',
  'Cobalt Labs', 'Evergreen Property', 'Falcon Security', 'Quantum Retail', 'Sterling, Marsh & Co',
  'BlueWave Telecom', 'Helios Solar', 'Keystone Legal LLP', 'Mosaic Design Studio',
];

// prettier-ignore
export const JOB_TITLES: string[] = [
  'Marketing Manager', 'Sales Director', 'Software Engineer', 'Account Executive', 'Office Manager',
  'Chief Executive Officer', 'Head of Operations', 'Data Analyst', 'Product Manager', 'Accountant',
  'HR Business Partner', 'Customer Success Manager', 'Procurement Lead', 'IT Administrator',
  'Financial Controller', 'Project Manager', 'Consultant', 'Designer', 'Teacher', 'Nurse',
  'Store Manager', 'Logistics Coordinator', 'Legal Counsel', 'Research Scientist', 'Architect',
];
